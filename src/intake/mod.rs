//! Updates coming in: recorded durably (the webhook's group commit), admitted, and handed to
//! the gateway; long polling for development feeds the same webhook.
pub mod admission;
pub mod poll;
