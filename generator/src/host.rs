//! What a program running the generator may set for its own process. The library sets
//! nothing by itself: a build script or a program embedding it keeps its own allocator and
//! settings. The `xtask` and `specgen` binaries (and `cargo bench -p generator --features
//! mimalloc`) use [`Allocator`] and call [`tune`] first thing (decision 38).

/// mimalloc, Microsoft's allocator (with the `mimalloc` feature): it keeps small allocations
/// in per-thread pages, what a run of many small JSON nodes, tokens and syntax trees on two
/// threads needs; glibc's allocator spent a fifth of a run in `malloc` and `free`.
#[cfg(feature = "mimalloc")]
pub use mimalloc::MiMalloc as Allocator;

/// mimalloc's `mi_option_purge_delay` (the same index in its v2 and v3 headers, which the
/// `-sys` crate does not name).
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Settings for a process that runs the generator:
/// - transparent huge pages off (Linux): mimalloc asks the kernel for them, which then zeroes
///   2 MiB at the first touch of each, again whenever a range given back is touched anew; a
///   fifth of a Kubernetes run was the kernel's `clear_page_erms` under those faults;
/// - with the `mimalloc` feature, freed memory given back after 100 ms (mimalloc 3 waits a
///   second). Side by side on GitHub's REST API (decision 38): 10 ms took 2.19 s and 391 MB,
///   100 ms 2.03 s and 393 MB, one second 1.91 s and 415 MB.
pub fn tune() {
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` takes plain integers and touches no memory of ours; when it
    // fails (an old kernel) nothing changes, which is fine.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    #[cfg(feature = "mimalloc")]
    // SAFETY: sets a plain integer option; mimalloc reads its options atomically.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100);
    }
}
