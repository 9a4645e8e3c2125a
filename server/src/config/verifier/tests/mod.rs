//! Unit tests of the verifier config: v2's sample and our local file as they load (`files`),
//! files that load with their defaults and warnings (`valid`), files rejected with one exact
//! message each (`invalid`). `support` holds the helpers they share.

mod files;
mod invalid;
mod support;
mod valid;
