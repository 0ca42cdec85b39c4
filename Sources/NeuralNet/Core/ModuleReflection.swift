import TensorCore

/// A stored property of a module that reflection cannot walk although it holds modules or
/// parameters: those would silently be left out of training and checkpoints.
public struct ModuleReflectionError: Error, CustomStringConvertible, Equatable {
    /// The module's type and the property, e.g. `MyModel.pair`.
    public let property: String
    /// What holds the modules (`a tuple (Linear, Linear)`).
    public let container: String

    public init(property: String, container: String) {
        self.property = property
        self.container = container
    }

    public var description: String {
        "module reflection cannot walk property '\(property)': it keeps modules or parameters in \(container). "
            + "Keep them in stored properties, optionals, arrays or dictionaries keyed by String or Int"
    }
}

/// Finds the members of a module — child modules, parameters, buffers and random states —
/// in its stored properties (its own and its superclasses'), with dotted paths.
enum ModuleReflection {
    enum Member {
        case module(Module)
        case parameter(Parameter)
        case buffer(Buffer)
        case randomState(RandomState)
    }

    /// The direct members of `module` (children are not entered), in declaration order.
    static func members(of module: Module) throws -> [(String, Member)] {
        var result: [(String, Member)] = []
        var mirror: Mirror? = Mirror(reflecting: module)
        var seen = Set<String>()
        while let current = mirror {
            for child in current.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                guard seen.insert(label).inserted else { continue }
                try walk(child.value, path: label, property: "\(type(of: module)).\(label)", into: &result)
            }
            mirror = current.superclassMirror
        }
        return result
    }

    private static func member(_ value: Any) -> Member? {
        switch value {
        case let module as Module: return .module(module)
        case let parameter as Parameter: return .parameter(parameter)
        case let buffer as Buffer: return .buffer(buffer)
        case let state as RandomState: return .randomState(state)
        default: return nil
        }
    }

    /// Values that can hold no member: skipped without reflecting on them.
    private static func isPlain(_ value: Any) -> Bool {
        value is Tensor || value is String || value is Bool || value is Int || value is Float || value is Double
            || value is [Int] || value is [Float] || value is [Double] || value is [String] || value is RandomStream
    }

    private static func walk(_ value: Any, path: String, property: String, into result: inout [(String, Member)]) throws {
        if let found = member(value) {
            result.append((path, found))
            return
        }
        if isPlain(value) { return }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let payload = mirror.children.first { try walk(payload.value, path: path, property: property, into: &result) }
        case .collection:
            for (index, element) in mirror.children.enumerated() {
                if index == 0 && isPlain(element.value) { return }  // homogeneous plain values
                try walk(element.value, path: "\(path).\(index)", property: property, into: &result)
            }
        case .dictionary:
            let entries = mirror.children.map { entry -> (key: Any, value: Any) in
                let pair = Array(Mirror(reflecting: entry.value).children)
                return (pair[0].value, pair[1].value)
            }
            guard entries.contains(where: { holdsMembers($0.value) }) else { return }
            let keyed: [(name: String, order: (Int, String), value: Any)]
            if let stringKeyed = castKeys(entries, as: String.self) {
                keyed = stringKeyed.map { ($0.key, (0, $0.key), $0.value) }
            } else if let intKeyed = castKeys(entries, as: Int.self) {
                keyed = intKeyed.map { ("\($0.key)", ($0.key, ""), $0.value) }
            } else {
                throw ModuleReflectionError(property: property, container: "a dictionary of type \(type(of: value))")
            }
            for entry in keyed.sorted(by: { $0.order < $1.order }) {
                try walk(entry.value, path: "\(path).\(entry.name)", property: property, into: &result)
            }
        case .class:
            return  // another object: not entered (it may point back); only modules are walked
        default:
            if holdsMembers(value) {
                throw ModuleReflectionError(property: property, container: describe(value, style: mirror.displayStyle))
            }
        }
    }

    private static func castKeys<Key>(_ entries: [(key: Any, value: Any)], as: Key.Type) -> [(key: Key, value: Any)]? {
        var result: [(key: Key, value: Any)] = []
        for entry in entries {
            guard let key = entry.key as? Key else { return nil }
            result.append((key, entry.value))
        }
        return result
    }

    /// Whether `value` holds a module, parameter, buffer or random state anywhere inside,
    /// not entering other objects.
    private static func holdsMembers(_ value: Any, depth: Int = 0) -> Bool {
        if member(value) != nil { return true }
        if isPlain(value) || depth > 16 { return false }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .class { return false }
        return mirror.children.contains { holdsMembers($0.value, depth: depth + 1) }
    }

    private static func describe(_ value: Any, style: Mirror.DisplayStyle?) -> String {
        let kind: String
        switch style {
        case .tuple: kind = "a tuple"
        case .struct: kind = "a struct"
        case .enum: kind = "an enum payload"
        case .set: kind = "a set"
        default: kind = "a value"
        }
        return "\(kind) of type \(type(of: value))"
    }
}
