//! One spelling per value, shared by the database, the messages, button data and the command
//! line: strum derives the spellings (`IntoStaticStr`, `EnumString`, `Display`, `VariantArray`);
//! this trait names what a value is, for errors that say which values exist.
use strum::VariantArray;

/// A value no spelling matches: says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}' (expected one of: {expected})")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

/// An enum with one text per value.
pub trait Spelling: Copy + Eq + VariantArray + Into<&'static str> + 'static {
    /// What a value is called in messages ("workflow state", "style").
    const WHAT: &'static str;

    fn spelling(self) -> &'static str {
        self.into()
    }

    /// The value spelled exactly `text`, or an error naming every spelling.
    fn parse_exact(text: &str) -> Result<Self, UnknownValue> {
        Self::VARIANTS
            .iter()
            .copied()
            .find(|v| v.spelling() == text)
            .ok_or_else(|| UnknownValue {
                what: Self::WHAT,
                given: text.to_string(),
                expected: Self::VARIANTS
                    .iter()
                    .map(|v| v.spelling())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// What a person typed (the command line): surrounding space and case do not matter.
    fn parse_typed(text: &str) -> Result<Self, UnknownValue> {
        Self::parse_exact(&text.trim().to_ascii_lowercase()).map_err(|e| UnknownValue {
            given: text.to_string(),
            ..e
        })
    }
}

/// Names a spelled enum (`WHAT`) and gives it `ALL` and `as_str` as inherent items, so callers
/// need not import the trait.
#[macro_export]
macro_rules! spelled {
    ($ty:ty, $what:literal) => {
        impl $crate::domain::Spelling for $ty {
            const WHAT: &'static str = $what;
        }
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = <$ty as strum::VariantArray>::VARIANTS;
            /// The one spelling of this value.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}
