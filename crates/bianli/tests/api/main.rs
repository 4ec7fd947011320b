//! The API test binary: each test starts the real server on port 0 with a
//! fresh database, once on SQLite and once on PostgreSQL.

mod appointment;
mod blobs;
mod browser;
mod calendar;
mod case_pages;
mod cases;
mod catalog;
mod commitment;
mod conformance;
mod decrees;
mod forms;
mod helpers;
mod history;
mod idempotency;
mod identity;
mod ledger;
mod ledger_timeline;
mod openapi;
mod oversight;
mod papers;
mod ratings;
mod spreadsheet;
mod submissions;
