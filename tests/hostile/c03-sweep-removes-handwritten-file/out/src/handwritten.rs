// written by hand
pub fn keep() {}
