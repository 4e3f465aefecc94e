/// Herald's version: `--version`, `herald status`, and the `User-Agent` of every delivery.
public enum HeraldVersion {
    public static let current = "0.1.0"
}
