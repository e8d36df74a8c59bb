//! Where things are drawn: nodes on a ring, messages on the lines between them.

/// The drawing's coordinate space: a square `SIZE` x `SIZE` with the ring in the middle.
pub const SIZE: f64 = 600.0;
const CENTER: f64 = SIZE / 2.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The radius of a node's circle for a cluster of `n` nodes.
pub fn node_radius(n: usize) -> f64 {
    match n {
        0..=5 => 42.0,
        6..=7 => 38.0,
        _ => 33.0,
    }
}

/// The radius of the ring the nodes sit on.
pub fn ring_radius(n: usize) -> f64 {
    match n {
        0..=1 => 0.0,
        2 => 150.0,
        _ => 215.0,
    }
}

/// The centre of node number `k` (0-based, in id order) of `n`, clockwise from the top.
pub fn node_position(k: usize, n: usize) -> Point {
    if n <= 1 {
        return Point { x: CENTER, y: CENTER };
    }
    let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * k as f64 / n as f64;
    let r = ring_radius(n);
    Point { x: CENTER + r * angle.cos(), y: CENTER + r * angle.sin() }
}

/// A point `progress` (0..1) of the way between the edges of two node circles of radius
/// `r`, shifted sideways by `lane` so messages in the two directions do not overlap.
pub fn along(a: Point, b: Point, r: f64, progress: f64, lane: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let d = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / d, dy / d);
    let travel = (d - 2.0 * r).max(0.0);
    let s = r + travel * progress.clamp(0.0, 1.0);
    Point { x: a.x + ux * s - uy * lane, y: a.y + uy * s + ux * lane }
}

/// The midpoint of the segment between two nodes, shifted by `lane` (for link marks).
pub fn midpoint(a: Point, b: Point, lane: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let d = (dx * dx + dy * dy).sqrt().max(1e-9);
    Point { x: (a.x + b.x) / 2.0 - dy / d * lane, y: (a.y + b.y) / 2.0 + dx / d * lane }
}

/// An SVG arc path for a fraction (0..1) of a circle, clockwise from the top.
pub fn arc_path(c: Point, r: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 0.9999);
    if f <= 0.0 {
        return String::new();
    }
    let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * f;
    let (sx, sy) = (c.x, c.y - r);
    let (ex, ey) = (c.x + r * angle.cos(), c.y + r * angle.sin());
    let large = if f > 0.5 { 1 } else { 0 };
    format!("M{} {}A{} {} 0 {large} 1 {} {}", num(sx), num(sy), num(r), num(r), num(ex), num(ey))
}

/// A number with one decimal, written with integer formatting only (smaller code in the
/// browser build than float formatting).
pub fn num(x: f64) -> String {
    let v = (x * 10.0).round() as i64;
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// The speed slider: positions 0..=1000 map onto speeds on a log scale.
pub const SPEED_MIN: f64 = 0.001;
pub const SPEED_MAX: f64 = 50.0;

pub fn speed_from_slider(v: f64) -> f64 {
    let (lo, hi) = (SPEED_MIN.log10(), SPEED_MAX.log10());
    10f64.powf(lo + (v / 1000.0).clamp(0.0, 1.0) * (hi - lo))
}

pub fn slider_from_speed(speed: f64) -> f64 {
    let (lo, hi) = (SPEED_MIN.log10(), SPEED_MAX.log10());
    ((speed.clamp(SPEED_MIN, SPEED_MAX).log10() - lo) / (hi - lo) * 1000.0).round()
}

/// A speed as people read it: `0.05×`, `2×`, `1/200×`.
pub fn speed_label(speed: f64) -> String {
    if speed >= 1.0 {
        format!("{}", (speed * 10.0).round() / 10.0)
    } else if speed >= 0.1 {
        format!("{:.2}", speed)
    } else {
        format!("1/{}", (1.0 / speed).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_starts_at_the_top_and_goes_clockwise() {
        let top = node_position(0, 4);
        assert!((top.x - CENTER).abs() < 1e-9 && top.y < CENTER);
        let right = node_position(1, 4);
        assert!(right.x > CENTER && (right.y - CENTER).abs() < 1e-6);
        assert_eq!(node_position(0, 1), Point { x: CENTER, y: CENTER });
    }

    #[test]
    fn messages_travel_between_circle_edges() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        assert_eq!(along(a, b, 10.0, 0.0, 0.0), Point { x: 10.0, y: 0.0 });
        assert_eq!(along(a, b, 10.0, 1.0, 0.0), Point { x: 90.0, y: 0.0 });
        assert_eq!(along(a, b, 10.0, 0.5, 5.0), Point { x: 50.0, y: 5.0 });
    }

    #[test]
    fn speed_slider_round_trips() {
        for s in [0.001, 0.01, 0.05, 1.0, 50.0] {
            let back = speed_from_slider(slider_from_speed(s));
            assert!((back / s - 1.0).abs() < 0.01, "{s} -> {back}");
        }
        assert_eq!(speed_label(0.05), "1/20");
        assert_eq!(speed_label(2.0), "2");
    }

    #[test]
    fn arcs_are_empty_at_zero() {
        assert_eq!(arc_path(Point { x: 0.0, y: 0.0 }, 5.0, 0.0), "");
        assert!(arc_path(Point { x: 0.0, y: 0.0 }, 5.0, 0.75).contains(" 0 1 1 "));
    }
}
