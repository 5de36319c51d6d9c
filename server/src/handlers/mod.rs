//! Request and notification handlers: convert params, call one analysis method,
//! convert the result. No Python semantics here.

mod notifications;
mod requests;

pub use notifications::*;
pub use requests::*;
