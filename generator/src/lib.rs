pub mod diagnostics;
pub mod load;
pub mod source;
