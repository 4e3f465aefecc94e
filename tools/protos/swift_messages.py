#!/usr/bin/env python3
"""Writes the Swift forms of the messages of a .proto file, with their protobuf-c mapping.

Usage: swift_messages.py PROTO > OUT.swift

Each message becomes a struct of `V1` whose properties follow the proto JSON mapping (lowerCamel
names, 64-bit integers as strings in JSON), with `init(wireBytes:)` and `wireBytes()` through the
protobuf-c code generated from the same file. `StringValue` and `EventTypeList` are presence
wrappers: a field of either type is optional in Swift.
"""
import re
import sys

SCALARS = {
    'string': ('String', '""'),
    'bool': ('Bool', 'false'),
    'uint32': ('UInt32', '0'),
    'int32': ('Int32', '0'),
    'uint64': ('UInt64', '0'),
    'int64': ('Int64', '0'),
    'bytes': ('[UInt8]', '[]'),
}
WRAPPERS = {'StringValue': 'String', 'EventTypeList': '[String]'}


def parse(text):
    """Messages in order: (name, comment, [(label, type, name, comment)])."""
    messages = []
    comment = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith('//'):
            comment.append(line[2:].strip())
            continue
        m = re.match(r'message (\w+) \{\s*(\})?$', line)
        if m:
            current = (m.group(1), comment, [])
            messages.append(current)
            comment = []
            if m.group(2):
                current = None
            continue
        m = re.match(r'(repeated )?([\w.]+) (\w+) = \d+;', line)
        if m and current is not None:
            current[2].append(('repeated' if m.group(1) else '', m.group(2), m.group(3), comment))
            comment = []
            continue
        if line == '}':
            current = None
        comment = []
    return messages


def camel(name):
    head, *rest = name.split('_')
    return head + ''.join(part[:1].upper() + part[1:] for part in rest)


def snake(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()


def swift_type(label, type_):
    if type_ in WRAPPERS:
        return WRAPPERS[type_] + '?', 'nil'
    base, default = SCALARS.get(type_, (type_, f'{type_}()'))
    if label:
        return f'[{base}]', '[]'
    return base, default


def reader(label, type_, field):
    if type_ == 'StringValue':
        return f'm.{field}.map {{ ProtobufC.string($0.pointee.value) }}'
    if type_ == 'EventTypeList':
        return f'm.{field}.map {{ ProtobufC.strings($0.pointee.n_values, $0.pointee.values) }}'
    if type_ == 'string':
        return f'ProtobufC.strings(m.n_{field}, m.{field})' if label else f'ProtobufC.string(m.{field})'
    if type_ == 'bytes':
        return f'ProtobufC.bytes(m.{field})'
    if type_ == 'bool':
        return f'm.{field} != 0'
    if type_ in SCALARS:
        return f'm.{field}'
    if label:
        return f'try ProtobufC.messages(m.n_{field}, m.{field}) {{ try {type_}($0) }}'
    return f'try m.{field}.map {{ try {type_}($0.pointee) }} ?? {type_}()'


def writer(label, type_, field, prop):
    if type_ == 'StringValue':
        return f'm.pointee.{field} = {prop}.map {{ value in\n            let wrapper = arena.message(herald__v1__string_value__init)\n            wrapper.pointee.value = arena.string(value)\n            return wrapper\n        }}'
    if type_ == 'EventTypeList':
        return f'm.pointee.{field} = {prop}.map {{ values in\n            let list = arena.message(herald__v1__event_type_list__init)\n            (list.pointee.n_values, list.pointee.values) = arena.strings(values)\n            return list\n        }}'
    if type_ == 'string':
        if label:
            return f'(m.pointee.n_{field}, m.pointee.{field}) = arena.strings({prop})'
        return f'm.pointee.{field} = arena.string({prop})'
    if type_ == 'bytes':
        return f'm.pointee.{field} = arena.bytes({prop})'
    if type_ == 'bool':
        return f'm.pointee.{field} = {prop} ? 1 : 0'
    if type_ in SCALARS:
        return f'm.pointee.{field} = {prop}'
    if label:
        return f'(m.pointee.n_{field}, m.pointee.{field}) = arena.messages({prop}.map {{ $0.build(arena) }})'
    return f'm.pointee.{field} = {prop}.build(arena)'


def doc(lines, indent):
    return ''.join(f'{indent}/// {line}\n' for line in lines)


def generate(messages):
    out = ['// Generated from Protos/herald/v1/herald.proto by tools/generate-protos; do not edit.\n',
           'import HeraldProtoC\n\n',
           '/// Swift forms of the messages of `herald/v1/herald.proto`. Property names follow the proto JSON\n',
           '/// mapping, so that encoding one with `JSONEncoder` gives the document a client in any language expects.\n',
           'public enum V1 {}\n']
    for name, comment, fields in messages:
        if name in WRAPPERS:
            continue
        c = f'Herald__V1__{name}'
        lower = 'herald__v1__' + snake(name)
        codable = all(t != 'bytes' for _, t, _, _ in fields)
        out.append('\nextension V1 {\n')
        out.append(doc(comment, '    '))
        out.append(f'    public struct {name}: WireMessage, Equatable{", Codable" if codable else ""} {{\n')
        params, assigns, reads, writes = [], [], [], []
        for label, type_, field, fcomment in fields:
            prop = camel(field)
            stype, default = swift_type(label, type_)
            out.append(doc(fcomment, '        '))
            wrapper = '@JSONInt64 ' if type_ in ('int64', 'uint64') and not label else ''
            out.append(f'        {wrapper}public var {prop}: {stype} = {default}\n')
            params.append(f'{prop}: {stype} = {default}')
            assigns.append(f'            self.{prop} = {prop}\n')
            reads.append(f'{prop}: {reader(label, type_, field)}')
            writes.append('        ' + writer(label, type_, field, prop).replace('\n', '\n    ') + '\n')
        out.append('\n')
        out.append(f'        public init({", ".join(params)}) {{\n' if params else '        public init() {\n')
        out.extend(assigns)
        out.append('        }\n\n')
        out.append(f'        public init(wireBytes: [UInt8]) throws {{\n')
        out.append(f'            self = try ProtobufC.unpack(wireBytes, "{name}", {lower}__unpack) {{ m in try Self(m) }}\n')
        out.append('        }\n\n')
        out.append(f'        init(_ m: {c}) throws {{\n')
        out.append(f'            self.init({", ".join(reads)})\n' if reads else '            self.init()\n')
        out.append('        }\n\n')
        out.append('        public func wireBytes() -> [UInt8] {\n')
        out.append('            // The arena owns every C string and message the packed struct points to.\n')
        out.append('            let arena = CArena()\n')
        out.append('            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }\n')
        out.append('        }\n\n')
        out.append(f'        func build(_ arena: CArena) -> UnsafeMutablePointer<{c}> {{\n')
        out.append(f'            let m = arena.message({lower}__init)\n')
        out.extend('    ' + w for w in writes)
        out.append('            return m\n')
        out.append('        }\n')
        out.append('    }\n')
        out.append('}\n')
    return ''.join(out)


if __name__ == '__main__':
    sys.stdout.write(generate(parse(open(sys.argv[1]).read())))
