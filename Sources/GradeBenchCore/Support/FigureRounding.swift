/// How every published and every own figure is rounded: percentages to one decimal place, mean points to two, headline
/// means to their measure's decimals (`HeadlineMeasure.decimals`).
public enum FigureRounding {
    /// `count` as a percentage of `base`, to one decimal place.
    public static func percent(_ count: Int, of base: Int) -> Double { (Double(count) * 1000 / Double(base)).rounded() / 10 }

    /// Mean points to two decimal places.
    public static func meanPoints(_ sum: Double, over entries: Int) -> Double { (sum / Double(entries) * 100).rounded() / 100 }

    /// A value to `decimals` decimal places (at most 3).
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        let scale = Double([1, 10, 100, 1000][min(max(decimals, 0), 3)])
        return (value * scale).rounded() / scale
    }
}
