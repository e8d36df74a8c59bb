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

/// `(sin x, cos x)` to within 2e-15 for the angles the page draws (|x| <= 20): a quarter-turn
/// reduction and Taylor polynomials. The standard library's versions bring a 5 KB argument
/// reduction for huge angles into the browser build (README, Performance).
pub fn sin_cos(x: f64) -> (f64, f64) {
    use std::f64::consts::FRAC_PI_2;
    // π/2 split in two so that `q · π/2` is subtracted exactly for small q.
    const HI: f64 = FRAC_PI_2;
    const LO: f64 = 6.123_233_995_736_766e-17;
    let q = (x / FRAC_PI_2).round();
    let r = (x - q * HI) - q * LO;
    let r2 = r * r;
    let mut s = 1.0;
    let mut c = 1.0;
    // sin r = r (1 - r²/(2·3) (1 - r²/(4·5) (...))), cos r = 1 - r²/(1·2) (1 - r²/(3·4) (...)).
    for k in (1..=9).rev() {
        let k = k as f64;
        s = 1.0 - r2 / ((2.0 * k) * (2.0 * k + 1.0)) * s;
        c = 1.0 - r2 / ((2.0 * k - 1.0) * (2.0 * k)) * c;
    }
    let s = r * s;
    match (q as i64).rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// The centre of node number `k` (0-based, in id order) of `n`, clockwise from the top.
pub fn node_position(k: usize, n: usize) -> Point {
    if n <= 1 {
        return Point { x: CENTER, y: CENTER };
    }
    let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * k as f64 / n as f64;
    let r = ring_radius(n);
    let (sin, cos) = sin_cos(angle);
    Point { x: CENTER + r * cos, y: CENTER + r * sin }
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
    let (sin, cos) = sin_cos(angle);
    let (ex, ey) = (c.x + r * cos, c.y + r * sin);
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
        crate::decimal::show((speed * 10.0).round() / 10.0)
    } else if speed >= 0.1 {
        crate::decimal::fixed(speed, 2)
    } else {
        format!("1/{}", (1.0 / speed).round() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_cos_agrees_with_the_standard_library() {
        for i in -4_000..=4_000 {
            let x = i as f64 * 0.005_123;
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 2e-15 && (c - x.cos()).abs() < 2e-15, "{x}: {s} {c}");
        }
        for n in 1..=9 {
            for k in 0..n {
                let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * k as f64 / n as f64;
                let (s, c) = sin_cos(angle);
                assert!((s - angle.sin()).abs() < 1e-15 && (c - angle.cos()).abs() < 1e-15);
            }
        }
    }

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
