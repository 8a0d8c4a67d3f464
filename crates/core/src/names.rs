//! The one definition of the library's named values: enums whose every value has a name that
//! files, errors and every language use (`"rollback"`, `"half_open"`, `">="`, …).
//!
//! [`string_enum!`] declares such an enum once: its variants and names, and from them its
//! serde names, `as_str`, `Display`, the list of every value, and — when the enum is read
//! from text — `FromStr` with the error that names the unknown text and the accepted ones.

/// Declares an enum of named values. Each variant is written `Variant = "name"`; an optional
/// `parse: "what" => ErrorType::Variant` adds `FromStr`, refusing any other text with that
/// error: `unknown what "text": expected one of "a", "b"`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
        $( parse: $what:literal => $err:ident :: $errv:ident )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value's name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The value's name, the same in files, errors and every language.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The value called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $crate::schema::names_schema($name::NAMES)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $(
            impl std::str::FromStr for $name {
                type Err = $err;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    $name::from_name(s).ok_or_else(|| {
                        let names: Vec<String> =
                            $name::NAMES.iter().map(|n| format!("{n:?}")).collect();
                        $err::$errv(format!(
                            "unknown {} {s:?}: expected one of {}",
                            $what,
                            names.join(", ")
                        ))
                    })
                }
            }
        )?
    };
}
