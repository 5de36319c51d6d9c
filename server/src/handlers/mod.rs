//! Request and notification handlers: convert params, call one analysis method,
//! convert the result. No Python semantics here.

mod code_actions;
mod notifications;
mod requests;

pub use code_actions::*;
pub use notifications::*;
pub use requests::*;
