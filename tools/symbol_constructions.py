"""Symbol-API constructions shared by the MXNet golden script and the symcli tests.

Each entry is Python code run with `sym` bound to `mx.sym` (in the side venv) or `symcli.symbol`;
it must leave the result in `out`. The JSON each side writes must be identical byte for byte.
"""

CONSTRUCTIONS = {
    "forum_xx": "X = sym.Variable('X'); out = X * X",
    "python_operators": (
        "X = sym.Variable('X'); Y = sym.Variable('Y');"
        "out = sym.Group([X + Y, X - Y, X * Y, X / Y, X ** Y, X % Y, X > Y, X == Y, X < Y,"
        " X * 2.5, X + 1, X - 1, X / 2, X % 3, X ** 2, 1 - X, 2 / X, 3 % X, 2 ** X, -X,"
        " X > 1, 1 > X, X == 1, X != 1, X <= 1, X >= 1, abs(X), sym.maximum(X, Y), sym.maximum(X, 2)])"),
    "intermediate": (
        "a = sym.Variable('a'); b = sym.Variable('b'); c = sym.elemwise_mul(a, b, name='c');"
        "out = sym.elemwise_mul(c, b, name='d')"),
    "variable_attrs": (
        "x = sym.Variable('x', shape=(2, 3), lr_mult=2.0, wd_mult=0.5, dtype='float64', init='zeros');"
        "out = x * x"),
    "mlp": (
        "data = sym.Variable('data'); h = sym.FullyConnected(data, num_hidden=16, name='fc1');"
        "h = sym.Activation(h, act_type='relu', name='relu1');"
        "h = sym.FullyConnected(h, num_hidden=4, name='fc2'); out = sym.SoftmaxOutput(h, name='softmax')"),
    "auto_names": (
        "x = sym.Variable('x'); h = sym.FullyConnected(x, num_hidden=3); h = sym.FullyConnected(h, num_hidden=2);"
        "out = sym.Group([sym.flatten(h), sym.Flatten(h), sym.broadcast_add(h, h), sym.broadcast_plus(h, h),"
        " sym.identity(h), sym.sum_axis(h, axis=1), sym.sum(h)])"),
    "batchnorm": (
        "x = sym.Variable('x', shape=(2, 3), lr_mult=2.0);"
        "fc = sym.FullyConnected(x, num_hidden=4, no_bias=True, name='fc');"
        "out = sym.BatchNorm(fc, fix_gamma=False, name='bn')"),
    "split_and_concat": (
        "x = sym.Variable('x'); sp = sym.split(x, num_outputs=3, axis=1, name='sp');"
        "out = sym.Group([sym.Concat(sp[2], sp[0], dim=1, name='cat'), sp[1]])"),
    "reductions_and_shapes": (
        "x = sym.Variable('x'); r = sym.Reshape(x, shape=(0, -1), name='r');"
        "t = sym.transpose(r, axes=(1, 0)); s = sym.sum(t, axis=(0,), keepdims=True);"
        "out = sym.Group([s, sym.mean(x, axis=1, exclude=True), sym.softmax(x, axis=-1)])"),
    "conv_net": (
        "data = sym.Variable('data');"
        "c = sym.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name='conv0');"
        "p = sym.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool0');"
        "out = sym.FullyConnected(sym.Flatten(p), num_hidden=10, name='fc')"),
    "creation": (
        "x = sym.Variable('x'); z = sym.zeros((2, 3)); o = sym.ones((2, 3), dtype='float64');"
        "f = sym.full((2, 3), 0.5); a = sym.arange(0, 6, 1.5);"
        "out = sym.Group([x + z, o, f, a])"),
}
