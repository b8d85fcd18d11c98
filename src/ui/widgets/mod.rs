pub mod bars;
pub mod text;
