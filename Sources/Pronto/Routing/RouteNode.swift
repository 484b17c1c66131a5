/// A node of the router's segment trie as routes are added: one per distinct path shape
/// prefix. ``RouteTree`` is compiled from these after each ``Router/add(_:_:_:)``.
///
/// Node `0` is the root (before the first segment). A node's static children are keyed by
/// their literal segment (decoded bytes); it has at most one parameter child (every
/// `{name}` at this position, whatever the name, is the same shape) and at most one
/// catch-all child.
struct RouteNode: Sendable {
    /// The literal segment leading here from the parent (empty for the root and for
    /// parameter and catch-all nodes).
    var label: [UInt8] = []
    var statics: [Int] = []
    var parameter = -1
    var catchAll = -1
    /// The routes ending here: at most one per method.
    var routes: [MethodRoute] = []

    struct MethodRoute: Sendable {
        var method: RouteMethod
        /// Index into the router's routes.
        var route: Int
    }
}
