//! Traits, generics, dynamic dispatch, closures, iterators, slices.
pub trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> &'static str {
        "shape"
    }
}
pub struct Square(pub f64);
pub struct Circle {
    pub r: f32,
}
impl Shape for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
    fn name(&self) -> &'static str {
        "square"
    }
}
impl Shape for Circle {
    fn area(&self) -> f64 {
        3.14159 * f64::from(self.r) * f64::from(self.r)
    }
}
pub fn total_area(shapes: &[&dyn Shape]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}
pub fn largest<T: PartialOrd + Copy>(xs: &[T]) -> Option<T> {
    let mut it = xs.iter();
    let mut best = *it.next()?;
    for &x in it {
        if x > best {
            best = x;
        }
    }
    Some(best)
}
pub fn use_largest(a: &[u16], b: &[f32]) -> (Option<u16>, Option<f32>) {
    (largest(a), largest(b))
}
pub fn apply<F: Fn(i64) -> i64>(f: F, n: i64) -> i64 {
    (0..n).map(&f).filter(|x| x % 3 != 0).fold(0i64, |a, b| a.wrapping_add(b))
}
pub fn closures(k: i64) -> i64 {
    let add = move |x: i64| x * k + 1;
    apply(add, 100)
}
pub fn sort_words(words: &mut [&str]) -> usize {
    words.sort_unstable();
    words.iter().map(|w| w.len()).max().unwrap_or(0)
}
pub fn sum_chunks(v: &[u32]) -> u64 {
    v.chunks(4).map(|c| c.iter().map(|&x| u64::from(x)).sum::<u64>()).max().unwrap_or(0)
}
pub fn describe(n: i32) -> &'static str {
    match n {
        0 => "zero",
        1 | 2 | 3 => "small",
        4..=100 => "medium",
        i32::MIN..=-1 => "negative",
        _ => "large",
    }
}
