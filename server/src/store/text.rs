//! [`Text`] and [`OptText`]: how the store decodes a text column on every backend.
//!
//! Why not `String`: every MySQL/MariaDB table uses a binary NO PAD collation (byte-exact
//! comparisons, as on SQLite and PostgreSQL: `'a' <> 'A'`, `'a' <> 'a '`), and a binary
//! collation sets the column's BINARY flag, for which sqlx 0.8 refuses to decode a `String`
//! (launchbadge/sqlx#3387). That compiles and then fails at run time, so every text a query
//! reads goes through these two types: on MySQL they take the bytes of any string or blob
//! column, with or without the flag, and check that they are UTF-8 (the columns are utf8mb4);
//! on SQLite and PostgreSQL they are `String` and `Option<String>`.
//!
//! Use: `#[sqlx(try_from = "Text")] name: String` and `#[sqlx(try_from = "OptText")] x:
//! Option<String>` in a `FromRow` struct, `(i64, Text)` in a tuple (then `.into()`).

use sqlx::error::BoxDynError;
use sqlx::mysql::{MySql, MySqlTypeInfo, MySqlValueRef};
use sqlx::{Database, Decode, Postgres, Sqlite, Type, ValueRef};

/// A text column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub String);

/// A nullable text column's value: `None` for NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OptText(pub Option<String>);

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0
    }
}

impl From<OptText> for Option<String> {
    fn from(t: OptText) -> Self {
        t.0
    }
}

/// Implements `Type` and `Decode` for `Text` and `OptText` on a backend whose `String`
/// decodes every text column, by delegating to `String` and `Option<String>`.
macro_rules! delegate_to_string {
    ($db:ty) => {
        impl Type<$db> for Text {
            fn type_info() -> <$db as Database>::TypeInfo {
                <String as Type<$db>>::type_info()
            }

            fn compatible(ty: &<$db as Database>::TypeInfo) -> bool {
                <String as Type<$db>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, $db> for Text {
            fn decode(value: <$db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                <String as Decode<'r, $db>>::decode(value).map(Self)
            }
        }

        impl Type<$db> for OptText {
            fn type_info() -> <$db as Database>::TypeInfo {
                <String as Type<$db>>::type_info()
            }

            fn compatible(ty: &<$db as Database>::TypeInfo) -> bool {
                <String as Type<$db>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, $db> for OptText {
            fn decode(value: <$db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                <Option<String> as Decode<'r, $db>>::decode(value).map(Self)
            }
        }
    };
}

delegate_to_string!(Sqlite);
delegate_to_string!(Postgres);

/// Any string or blob column, BINARY flag or not (what `[u8]` accepts).
fn mysql_compatible(ty: &MySqlTypeInfo) -> bool {
    <[u8] as Type<MySql>>::compatible(ty)
}

/// The value's bytes as an owned string; an error if they are not UTF-8.
fn mysql_string(value: MySqlValueRef<'_>) -> Result<String, BoxDynError> {
    let bytes = <&[u8] as Decode<MySql>>::decode(value)?;
    Ok(std::str::from_utf8(bytes)?.to_owned())
}

impl Type<MySql> for Text {
    fn type_info() -> MySqlTypeInfo {
        <str as Type<MySql>>::type_info()
    }

    fn compatible(ty: &MySqlTypeInfo) -> bool {
        mysql_compatible(ty)
    }
}

impl<'r> Decode<'r, MySql> for Text {
    fn decode(value: MySqlValueRef<'r>) -> Result<Self, BoxDynError> {
        mysql_string(value).map(Self)
    }
}

impl Type<MySql> for OptText {
    fn type_info() -> MySqlTypeInfo {
        <str as Type<MySql>>::type_info()
    }

    fn compatible(ty: &MySqlTypeInfo) -> bool {
        mysql_compatible(ty)
    }
}

impl<'r> Decode<'r, MySql> for OptText {
    /// sqlx skips the type check for a NULL and calls `decode` with it (only `Option<T>`
    /// looks at NULL itself), so NULL is answered here.
    fn decode(value: MySqlValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            Ok(Self(None))
        } else {
            mysql_string(value).map(|s| Self(Some(s)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqlitePoolOptions;

    #[derive(sqlx::FromRow)]
    struct Named {
        #[sqlx(try_from = "Text")]
        name: String,
        #[sqlx(try_from = "OptText")]
        note: Option<String>,
        #[sqlx(try_from = "OptText")]
        none: Option<String>,
    }

    /// The delegation on SQLite (an in-memory database): the derive's `try_from` and a tuple.
    #[tokio::test]
    async fn text_columns_decode_through_the_newtypes() {
        let pool = SqlitePoolOptions::new()
            .connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        let row: Named = sqlx::query_as("SELECT 'é a' AS name, 'n' AS note, NULL AS none")
            .fetch_one(&pool)
            .await
            .expect("decodes");
        assert_eq!(row.name, "é a");
        assert_eq!(row.note.as_deref(), Some("n"));
        assert_eq!(row.none, None);
        let (n, t): (i64, Text) = sqlx::query_as("SELECT 1, 'x'")
            .fetch_one(&pool)
            .await
            .expect("decodes");
        assert_eq!((n, String::from(t)), (1, "x".to_owned()));
    }
}
