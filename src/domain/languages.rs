//! The language of a carousel's content, a separate thing from the interface's [`Lang`]: a user
//! reading Spanish menus may well ask for slides in Arabic. Plain data: the codes, the names the
//! prompts use, and what a user may choose in /settings.
use super::{Lang, Spelling};

/// One table for every content language: the variant, its ISO 639-1 code (the spelling kept in
/// rows and button data), its English name (what a prompt asks the model for) and its own name
/// (what a button shows, the same whatever the interface's language).
macro_rules! content_languages {
    ($($variant:ident = $code:literal, $english:literal, $native:literal;)+) => {
        crate::spelled_enum! {
            /// A language slides can be written in.
            #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
            #[diesel(sql_type = diesel::sql_types::Text)]
            pub enum ContentLanguage as "content language" {
                $(
                    #[serde(rename = $code)]
                    #[strum(serialize = $code)]
                    $variant,
                )+
            }
        }

        impl Default for ContentLanguage {
            fn default() -> ContentLanguage {
                ContentLanguage::En
            }
        }

        impl ContentLanguage {
            /// Its ISO 639-1 code.
            pub fn code(self) -> &'static str {
                self.as_str()
            }

            /// Its name in English, as a prompt names it.
            pub fn english_name(self) -> &'static str {
                match self {
                    $(ContentLanguage::$variant => $english,)+
                }
            }

            /// Its name in itself ("Español", "العربية").
            pub fn native_name(self) -> &'static str {
                match self {
                    $(ContentLanguage::$variant => $native,)+
                }
            }
        }

        impl strum::VariantArray for ContentChoice {
            const VARIANTS: &'static [ContentChoice] = &[
                ContentChoice::Auto,
                ContentChoice::Interface,
                $(ContentChoice::Language(ContentLanguage::$variant),)+
            ];
        }
    };
}

content_languages! {
    En = "en", "English", "English";
    Ru = "ru", "Russian", "Русский";
    Uk = "uk", "Ukrainian", "Українська";
    Es = "es", "Spanish", "Español";
    Pt = "pt", "Portuguese", "Português";
    Id = "id", "Indonesian", "Bahasa Indonesia";
    Tr = "tr", "Turkish", "Türkçe";
    Ar = "ar", "Arabic", "العربية";
    Fa = "fa", "Persian", "فارسی";
    Ur = "ur", "Urdu", "اردو";
    He = "he", "Hebrew", "עברית";
    Hi = "hi", "Hindi", "हिन्दी";
    Bn = "bn", "Bengali", "বাংলা";
    Ta = "ta", "Tamil", "தமிழ்";
    Th = "th", "Thai", "ไทย";
    Ka = "ka", "Georgian", "ქართული";
    Hy = "hy", "Armenian", "Հայերեն";
    Am = "am", "Amharic", "አማርኛ";
    Zh = "zh", "Chinese", "中文";
    Ja = "ja", "Japanese", "日本語";
    Ko = "ko", "Korean", "한국어";
    El = "el", "Greek", "Ελληνικά";
    De = "de", "German", "Deutsch";
    Fr = "fr", "French", "Français";
    It = "it", "Italian", "Italiano";
}

impl From<Lang> for ContentLanguage {
    /// The content language of the same name as an interface language (every locale is one).
    fn from(lang: Lang) -> ContentLanguage {
        match lang {
            Lang::Ru => ContentLanguage::Ru,
            Lang::En => ContentLanguage::En,
            Lang::Uk => ContentLanguage::Uk,
            Lang::Es => ContentLanguage::Es,
            Lang::Pt => ContentLanguage::Pt,
            Lang::Id => ContentLanguage::Id,
            Lang::Tr => ContentLanguage::Tr,
            Lang::Ar => ContentLanguage::Ar,
            Lang::Fa => ContentLanguage::Fa,
            Lang::Hi => ContentLanguage::Hi,
        }
    }
}

/// What a user chose in /settings for the language of their slides.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ContentChoice {
    /// The topic's own language, detected (the default: a topic in Arabic gets Arabic slides).
    #[default]
    Auto,
    /// Always the interface's language, whatever the topic is written in.
    Interface,
    /// Always this language.
    Language(ContentLanguage),
}

impl From<ContentChoice> for &'static str {
    fn from(choice: ContentChoice) -> &'static str {
        match choice {
            ContentChoice::Auto => "auto",
            ContentChoice::Interface => "interface",
            ContentChoice::Language(language) => language.as_str(),
        }
    }
}

crate::spelled!(ContentChoice, "content language choice");

impl std::fmt::Display for ContentChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.spelling())
    }
}

impl std::str::FromStr for ContentChoice {
    type Err = super::UnknownValue;
    fn from_str(text: &str) -> Result<ContentChoice, Self::Err> {
        ContentChoice::parse_exact(text)
    }
}

// Spelled like every other setting (one string), not as serde's tagged enum.
impl serde::Serialize for ContentChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.spelling())
    }
}

impl<'de> serde::Deserialize<'de> for ContentChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ContentChoice, D::Error> {
        let text = String::deserialize(d)?;
        ContentChoice::parse_exact(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_content_language_has_a_two_letter_code_and_both_names() {
        for language in ContentLanguage::ALL {
            assert_eq!(language.code().len(), 2, "{language:?}");
            assert!(language.code().chars().all(|c| c.is_ascii_lowercase()));
            assert!(!language.english_name().is_empty() && !language.native_name().is_empty());
        }
        for code in [
            "en", "ru", "uk", "es", "pt", "id", "tr", "ar", "fa", "he", "hi", "bn", "ta", "th",
            "ka", "hy", "am", "zh", "ja", "ko", "el", "de", "fr", "it",
        ] {
            assert!(
                ContentLanguage::parse_exact(code).is_ok(),
                "{code} is covered"
            );
        }
    }

    #[test]
    fn every_interface_language_is_a_content_language_of_the_same_code() {
        for lang in Lang::ALL {
            assert_eq!(ContentLanguage::from(*lang).code(), lang.as_str());
        }
    }

    #[test]
    fn a_content_choice_is_spelled_as_one_word_everywhere() {
        assert_eq!(ContentChoice::ALL.len(), ContentLanguage::ALL.len() + 2);
        for choice in ContentChoice::ALL {
            let json = serde_json::to_string(choice).expect("serialises");
            assert_eq!(json, format!("\"{}\"", choice.as_str()));
            assert_eq!(
                serde_json::from_str::<ContentChoice>(&json).ok(),
                Some(*choice)
            );
            assert_eq!(choice.to_string().parse::<ContentChoice>(), Ok(*choice));
        }
        assert_eq!(
            "fa".parse::<ContentChoice>(),
            Ok(ContentChoice::Language(ContentLanguage::Fa))
        );
        assert!("klingon".parse::<ContentChoice>().is_err());
    }
}
