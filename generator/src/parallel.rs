//! Work shared between the machine's cores, its results in the order of the input.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// `f` of each of `items`, in the order of `items`, computed on as many threads as the
/// machine has cores, each taking the next item as it finishes one: items of very different
/// cost still keep every core busy to the end. The calling thread works too: it reuses the
/// memory the passes before it freed, where a new thread would ask the system for more (an
/// allocator such as mimalloc keeps a thread's freed memory for that thread).
///
/// A panic in `f` is resumed on the calling thread once every thread has stopped.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(items.len()).max(1);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let result = f(item);
        *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    // Every slot is filled: a thread that panicked made the scope panic above.
    slots.into_iter().filter_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner)).collect()
}

/// `items` in two halves from `at_least` items on, else whole: the parts for
/// [`map_in_order`] when the items cost about the same.
pub fn halves<T>(items: &[T], at_least: usize) -> Vec<&[T]> {
    if items.len() >= at_least.max(2) {
        let (first, second) = items.split_at(items.len() / 2);
        vec![first, second]
    } else {
        vec![items]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_their_cost() {
        let items: Vec<u64> = (0..200).collect();
        // Early items cost the most, so a static split would finish out of order.
        let results = map_in_order(&items, |&n| {
            let mut x = n;
            for _ in 0..(200 - n) * 1000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            (n, x)
        });
        assert_eq!(results.iter().map(|(n, _)| *n).collect::<Vec<_>>(), items);
    }

    #[test]
    fn halves_from_the_threshold_on() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(halves(&items, 5), [&items[..2], &items[2..]]);
        assert_eq!(halves(&items, 6), [&items[..]]);
        assert_eq!(halves(&[] as &[u8], 0), [&[] as &[u8]]);
    }

    #[test]
    fn no_items_give_no_results() {
        assert!(map_in_order(&[] as &[u8], |_| 1).is_empty());
    }
}
