//! `/technicians`: the list ([`list`]) and one technician with their tenant assignments,
//! `/technicians/{id}` ([`detail`]).

pub mod detail;
pub mod list;
