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

/// A spelled enum: the derives every one has (comparison, serde, strum's spellings) and
/// [`spelled!`] with what a value is called. Attributes given (docs, more derives, the case of
/// the spellings, diesel's mapping) follow the derives, so their helper attributes resolve.
#[macro_export]
macro_rules! spelled_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident as $what:literal { $($variants:tt)* }) => {
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            strum::Display,
            strum::EnumString,
            strum::IntoStaticStr,
            strum::VariantArray,
        )]
        $(#[$meta])*
        $vis enum $name { $($variants)* }
        $crate::spelled!($name, $what);
    };
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
