"""Small ONNX graph helpers shared by the exporters (``export.py``, ``convert_face_descriptor.py``)."""
from onnx import numpy_helper


def drop_zero_pads(model):
    """Remove the zero-width Pad nodes torch inserts in front of AveragePool (and any other all-zero Pad),
    rewiring their consumers to the Pad's input and dropping Constants left unused, so that the graph
    uses only the operators its runtimes support.  Edits ``model`` in place; returns the number removed."""
    g = model.graph
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in g.node
              if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"}
    consts.update({i.name: numpy_helper.to_array(i) for i in g.initializer})
    rename, keep = {}, []
    for n in g.node:
        if n.op_type == "Pad" and len(n.input) >= 2 and n.input[1] in consts and not consts[n.input[1]].any():
            rename[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    for n in keep:
        for i, name in enumerate(n.input):
            while name in rename:
                name = rename[name]
            n.input[i] = name
    used = {i for n in keep for i in n.input}
    keep = [n for n in keep if not (n.op_type == "Constant" and n.output[0] not in used)]
    del g.node[:]
    g.node.extend(keep)
    return len(rename)
