//! Building blocks for living with unreliable dependencies, used by the store, the AI client, the
//! Telegram courier and the supervision tree alike: a circuit breaker, a time source tests can
//! move by hand, and the retry policy with its one retry helper.
pub mod breaker;
pub mod capacity;
pub mod clock;
pub mod retry;
