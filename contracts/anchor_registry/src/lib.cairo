pub mod merkle;
pub mod registry;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
