#[macro_use]
mod macros;

pub mod category;
pub mod codepage;
pub mod column;
pub mod expr;
pub mod language;
pub mod package;
pub mod propset;
pub mod query;
pub mod stream;
pub mod streamname;
pub mod stringpool;
pub mod summary;
pub mod table;
pub mod timestamp;
pub mod value;
