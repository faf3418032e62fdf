# --- nemotron4j: SciCode test support (written for nemotron4j) ---
# The targets below are the values SciCode's process_hdf5_to_tuple reads from test_data.h5, rebuilt from the bytes
# the harness read; the module scicode.compare.cmp that SciCode's test cases import is provided with the same
# comparisons, so the tests run without SciCode or h5py installed.
import base64 as _n4j_b64
import sys as _n4j_sys
import types as _n4j_types
import numpy as _n4j_np


def _n4j_array(dtype, shape, data):
    return _n4j_np.frombuffer(_n4j_b64.b64decode(data), dtype=dtype).reshape(shape).copy()


def _n4j_scalar(dtype, data):
    return _n4j_np.frombuffer(_n4j_b64.b64decode(data), dtype=dtype)[0]


def _n4j_bytes(data):
    return _n4j_b64.b64decode(data)


def _n4j_text(data):
    return _n4j_b64.b64decode(data).decode('utf-8', errors='strict')


def _n4j_key(name):
    # a dict key that reads as a number is stored as one
    try:
        return float(name)
    except ValueError:
        return name


def _n4j_sparse(kind, shape, data, first, second, blocksize=None):
    import scipy.sparse
    if kind == 'coo':
        return scipy.sparse.coo_matrix((data, (first, second)), shape=shape)
    if kind == 'bsr':
        return scipy.sparse.bsr_matrix((data, first, second), shape=shape, blocksize=blocksize)
    return scipy.sparse.csr_matrix((data, first, second), shape=shape)


_N4J_CMP = r'''
import numpy as np


def _classes(module, names):
    try:
        m = __import__(module, fromlist=names)
    except ImportError:
        return ()
    return tuple(getattr(m, n) for n in names if hasattr(m, n))


_SYMBOL = _classes('sympy', ['Symbol'])
_SPARSE = _classes('scipy.sparse', ['csr_matrix', 'csc_matrix', 'bsr_matrix', 'coo_matrix'])
_CSR_CSC = _classes('scipy.sparse', ['csr_matrix', 'csc_matrix'])


def process_symbol_in_dict(d):
    out = {}
    for key, value in d.items():
        if _SYMBOL and isinstance(value, _SYMBOL):
            value = str(value)
        if _SYMBOL and isinstance(key, _SYMBOL):
            key = str(key)
        out[key] = value
    return out


def are_dicts_close(dict1, dict2, atol=1e-8, rtol=1e-5):
    dict1 = process_symbol_in_dict(dict1)
    dict2 = process_symbol_in_dict(dict2)
    if dict1.keys() != dict2.keys():
        return False
    for key in dict1:
        a, b = dict1[key], dict2[key]
        if isinstance(a, str) or (_SYMBOL and isinstance(a, _SYMBOL)):
            if not a == b:
                return False
        elif _SPARSE and isinstance(a, _SPARSE):
            if not np.allclose(a.toarray(), b.toarray(), atol=atol, rtol=rtol):
                return False
        else:
            try:
                if not np.allclose(a, b, atol=atol, rtol=rtol):
                    return False
            except ValueError:
                if not a == b:
                    return False
    return True


def are_csc_matrix_close(matrix1, matrix2):
    return np.allclose(matrix1.toarray(), matrix2.toarray())


def cmp_tuple_or_list(var1, var2):
    if len(var1) != len(var2):
        return False
    for a, b in zip(var1, var2):
        if isinstance(a, dict):
            if not are_dicts_close(a, b):
                return False
        elif _CSR_CSC and isinstance(a, _CSR_CSC):
            if not are_csc_matrix_close(a, b):
                return False
        elif isinstance(a, bool):
            if not a == b:
                return False
        else:
            try:
                if not np.allclose(a, b):
                    return False
            except ValueError as e:
                print(e)
                if not a == b:
                    return False
    return True
'''


def _n4j_install_scicode():
    package = _n4j_types.ModuleType('scicode')
    package.__path__ = []
    compare = _n4j_types.ModuleType('scicode.compare')
    compare.__path__ = []
    cmp = _n4j_types.ModuleType('scicode.compare.cmp')
    exec(compile(_N4J_CMP, 'scicode/compare/cmp.py', 'exec'), cmp.__dict__)
    package.compare = compare
    compare.cmp = cmp
    for module in (package, compare, cmp):
        _n4j_sys.modules.setdefault(module.__name__, module)


_n4j_install_scicode()
# --- end of nemotron4j support ---
