//! Unit tests of the configuration, one file per topic: the sample files in `etc/` and
//! reading from disk (`files`), files that load with their defaults and warnings (`valid`),
//! files that are rejected with one exact message each (`invalid`), the AMQP URI and the
//! password's redaction (`uri`), where the file and the database URL come from
//! (`resolve`) and that a database URL never prints its password (`database_url`). `support`
//! holds the helpers they share.

mod database_url;
mod files;
mod invalid;
mod resolve;
mod support;
mod uri;
mod valid;
