//! The one builder of dynamic SQL: [`Sql`], fixed text plus bind values, for the reads (filters,
//! pages, `IN` lists) and the multi-row writes (`VALUES (…), (…)`) alike.
//!
//! Why one builder that renders late: the text is built without knowing the backend (an
//! [`crate::store::Explained`] statement is printed for either), and each backend writes its
//! placeholders its own way ([`Placeholders`]): `$1, $2` on PostgreSQL, `?` on SQLite and
//! MySQL. Values are borrowed where the caller holds them, so a 500-row
//! insert binds its JSON bodies without copying them. Every value a caller supplies is a bind,
//! never text: the only text a builder takes is fixed SQL from this module's callers.

use std::borrow::Cow;

use sqlx::database::HasStatementCache;
use sqlx::error::BoxDynError;
use sqlx::query::{Query, QueryAs};
use sqlx::{Arguments, Database, Encode, FromRow, IntoArguments, Type};

/// Bind parameters per statement we stay under (SQLite allows 32,766, PostgreSQL and MySQL
/// 65,535: MySQL counts them in a u16 of its prepare answer).
const MAX_BINDS: usize = 30_000;

/// Rows of `binds_per_row` parameters that fit in one statement.
pub(crate) fn rows_per_statement(binds_per_row: usize) -> usize {
    (MAX_BINDS / binds_per_row.max(1)).max(1)
}

/// A column of `rows` as one array parameter (PostgreSQL's `UNNEST($1::type[], …)`).
pub(crate) fn col<'a, R, T>(rows: &'a [R], f: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(f).collect()
}

/// How a backend writes the placeholder of the n-th bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1`, `$2`, …: PostgreSQL.
    Numbered,
    /// `?` for every bind, in order: MySQL, and SQLite (which then skips a name lookup per
    /// parameter).
    Anonymous,
}

/// A bind value: an integer, a text or bytes, each possibly NULL, borrowed where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
    Bytes(Cow<'a, [u8]>),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Self::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Self::Text(v.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Self::Bytes(Cow::Borrowed(v))
    }
}

/// A statement under construction: SQL text, the positions of its placeholders, their values.
#[derive(Debug, Clone)]
pub(crate) struct Sql<'a> {
    text: String,
    /// Byte offsets in `text` where each bind's placeholder goes, in bind order.
    marks: Vec<usize>,
    binds: Vec<Value<'a>>,
    /// Whether the backend may cache the prepared statement (sqlx's default: yes).
    persistent: bool,
}

impl<'a> Sql<'a> {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            marks: Vec::new(),
            binds: Vec::new(),
            persistent: true,
        }
    }

    /// Appends fixed SQL (never user text).
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn bind(&mut self, value: impl Into<Value<'a>>) -> &mut Self {
        self.marks.push(self.text.len());
        self.binds.push(value.into());
        self
    }

    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        self.bind(v)
    }

    pub(crate) fn text(&mut self, v: &'a str) -> &mut Self {
        self.bind(v)
    }

    /// `AND <column> = value`, where an empty value also matches NULL (how a missing host or
    /// tenant is stored).
    pub(crate) fn and_eq(&mut self, column: &'static str, value: &'a str) -> &mut Self {
        if value.is_empty() {
            self.push(" AND (")
                .push(column)
                .push(" IS NULL OR ")
                .push(column);
            self.push(" = '')")
        } else {
            self.push(" AND ").push(column).push(" = ").text(value)
        }
    }

    /// `(v1, v2, …)`, each a bind.
    pub(crate) fn in_list(&mut self, values: &[&'a str]) -> &mut Self {
        self.push("(");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(value);
        }
        self.push(")")
    }

    /// `(1, 2, 3)`: each id a bind (an `IN` list of ids).
    pub(crate) fn int_list(&mut self, ids: &[i64]) -> &mut Self {
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.int(*id);
        }
        self.push(")")
    }

    /// `VALUES (…), (…)`: one tuple per row, its binds pushed by `row`.
    pub(crate) fn values<T>(
        &mut self,
        rows: impl IntoIterator<Item = T>,
        row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        self.push("VALUES ");
        self.tuples(rows, ("(", "), (", ")"), &[], row)
    }

    /// `((…), (…))`: one tuple per row, its binds pushed by `row`, for a row-value membership
    /// test `(a, b, c) IN ((?, ?, ?), …)` (MySQL: a range on the index of `(a, b, c)`). The
    /// caller never passes zero rows (`IN ()` is not SQL).
    pub(crate) fn row_in<T>(
        &mut self,
        rows: impl IntoIterator<Item = T>,
        row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        self.tuples(rows, ("((", "), (", "))"), &[], row)
    }

    /// `SELECT ? AS n1, ? AS n2 UNION ALL SELECT ?, ? …`: the rows as a derived table whose
    /// columns are `names` (one per bind of a row), for MySQL's `UPDATE t JOIN (…) v ON …`.
    /// Why not `VALUES`: MariaDB names a `VALUES` table's columns after the first row's values
    /// and MySQL needs `VALUES ROW(…)`, so neither has a portable column name; a `UNION ALL`
    /// of `SELECT`s names them on both. The caller wraps it in parentheses and never passes
    /// zero rows.
    pub(crate) fn union_rows<T>(
        &mut self,
        rows: impl IntoIterator<Item = T>,
        names: &[&str],
        row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        self.tuples(rows, ("SELECT ", " UNION ALL SELECT ", ""), names, row)
    }

    /// Each row after `open` (the first) or `between` (the others), then `close`; the first
    /// row's binds are named `names` (`? AS name`).
    fn tuples<T>(
        &mut self,
        rows: impl IntoIterator<Item = T>,
        (open, between, close): (&str, &str, &str),
        names: &[&str],
        mut row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        let mut any = false;
        for (i, item) in rows.into_iter().enumerate() {
            self.push(if i == 0 { open } else { between });
            let names = if i == 0 { names } else { &[] };
            row(
                &mut Tuple {
                    sql: self,
                    names,
                    column: 0,
                },
                item,
            );
            any = true;
        }
        if any {
            self.push(close);
        }
        self
    }

    /// Whether the backend may keep the statement prepared: worth it for a text that repeats,
    /// a waste (a cache entry evicting another) for one whose length changes every batch.
    pub(crate) fn persistent(&mut self, persistent: bool) -> &mut Self {
        self.persistent = persistent;
        self
    }

    /// The same statement owning its values.
    pub(crate) fn into_owned(self) -> Sql<'static> {
        let binds = self
            .binds
            .into_iter()
            .map(|b| match b {
                Value::Int(v) => Value::Int(v),
                Value::Text(t) => Value::Text(t.map(|t| Cow::Owned(t.into_owned()))),
                Value::Bytes(b) => Value::Bytes(Cow::Owned(b.into_owned())),
            })
            .collect();
        Sql {
            text: self.text,
            marks: self.marks,
            binds,
            persistent: self.persistent,
        }
    }

    /// The values bound so far, in order.
    #[cfg(test)]
    pub(crate) fn binds(&self) -> &[Value<'a>] {
        &self.binds
    }

    /// The text with each bind's placeholder written in `style`.
    pub(crate) fn render(&self, style: Placeholders) -> String {
        let mut out = String::with_capacity(self.text.len() + self.marks.len() * 4);
        let mut from = 0;
        for (n, &at) in self.marks.iter().enumerate() {
            out.push_str(&self.text[from..at]);
            match style {
                Placeholders::Numbered => {
                    out.push('$');
                    out.push_str(&(n + 1).to_string());
                }
                Placeholders::Anonymous => out.push('?'),
            }
            from = at;
        }
        out.push_str(&self.text[from..]);
        out
    }

    /// The bind values as one backend's arguments, in order.
    fn arguments<'q, DB>(&'q self) -> Result<<DB as Database>::Arguments<'q>, BoxDynError>
    where
        DB: Database,
        Option<i64>: Encode<'q, DB> + Type<DB>,
        Option<&'q str>: Encode<'q, DB> + Type<DB>,
        &'q [u8]: Encode<'q, DB> + Type<DB>,
    {
        let mut args = <DB as Database>::Arguments::<'q>::default();
        args.reserve(self.binds.len(), 0);
        for value in &self.binds {
            match value {
                Value::Int(v) => args.add(*v)?,
                Value::Text(t) => args.add(t.as_deref())?,
                Value::Bytes(b) => args.add(&**b)?,
            }
        }
        Ok(args)
    }

    /// A statement without rows, `text` being [`Sql::render`]'s for the backend `DB`.
    ///
    /// # Errors
    /// A value the backend cannot encode (none of ours: integers, text and bytes).
    pub(crate) fn query<'q, DB>(
        &'q self,
        text: &'q str,
    ) -> Result<Query<'q, DB, <DB as Database>::Arguments<'q>>, sqlx::Error>
    where
        DB: Database + HasStatementCache,
        <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
        Option<i64>: Encode<'q, DB> + Type<DB>,
        Option<&'q str>: Encode<'q, DB> + Type<DB>,
        &'q [u8]: Encode<'q, DB> + Type<DB>,
    {
        let arguments = self.arguments::<DB>().map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_with(text, arguments).persistent(self.persistent))
    }

    /// A statement whose rows are read as `R`.
    ///
    /// # Errors
    /// As [`Sql::query`].
    pub(crate) fn query_as<'q, DB, R>(
        &'q self,
        text: &'q str,
    ) -> Result<QueryAs<'q, DB, R, <DB as Database>::Arguments<'q>>, sqlx::Error>
    where
        DB: Database + HasStatementCache,
        R: for<'r> FromRow<'r, <DB as Database>::Row>,
        <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
        Option<i64>: Encode<'q, DB> + Type<DB>,
        Option<&'q str>: Encode<'q, DB> + Type<DB>,
        &'q [u8]: Encode<'q, DB> + Type<DB>,
    {
        let arguments = self.arguments::<DB>().map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_as_with(text, arguments).persistent(self.persistent))
    }
}

/// One row of [`Sql::values`], [`Sql::row_in`] or [`Sql::union_rows`]: its binds,
/// comma-separated (named in the first row of a `union_rows`).
pub(crate) struct Tuple<'s, 'a> {
    sql: &'s mut Sql<'a>,
    names: &'s [&'s str],
    column: usize,
}

impl<'a> Tuple<'_, 'a> {
    /// Appends a bind to the row.
    pub(crate) fn bind(&mut self, value: impl Into<Value<'a>>) -> &mut Self {
        if self.column > 0 {
            self.sql.push(", ");
        }
        self.sql.bind(value);
        if let Some(name) = self.names.get(self.column) {
            self.sql.push(" AS ").push(name);
        }
        self.column += 1;
        self
    }
}

#[cfg(test)]
#[path = "sql_tests.rs"]
mod tests;
