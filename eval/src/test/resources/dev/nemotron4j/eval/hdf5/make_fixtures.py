# Regenerates the HDF5 fixtures of Hdf5FileTest and SciCodeTargetsTest with h5py (Debian's python3-h5py 3.7,
# HDF5 1.10.8): /usr/bin/python3 make_fixtures.py. The values are made up for the tests; the layout of
# scicode-targets.h5 follows how SciCode stores test targets (STEP/testN/varM, lists, dicts, sparse matrices).
import h5py
import numpy as np

with h5py.File("default.h5", "w") as f:          # h5py's defaults: superblock 0, symbol-table groups
    f["floats"] = np.arange(6, dtype="<f8").reshape(2, 3) / 4
    f["ints"] = np.array([-3, 0, 7, 2**40], dtype="<i8")
    f["scalar"] = 2.5
    f["text"] = "héllo"                          # variable-length UTF-8 string
    f["fixed"] = np.array([b"ab", b"cde"], dtype="S4")
    f["flag"] = np.bool_(True)
    f["complex"] = np.array([1 + 2j, -0.5j])
    f["big_endian"] = np.array([1.5, -2.0], dtype=">f8")
    f["uint16"] = np.array([[1, 65535]], dtype="<u2")
    f.create_dataset("chunked", data=np.arange(35, dtype="<f4").reshape(5, 7), chunks=(2, 3), compression="gzip", shuffle=True)
    f.create_dataset("chunked_plain", data=np.arange(10, dtype="<i4"), chunks=(4,))
    f.create_dataset("empty", shape=(3,), dtype="<f8")   # never written: reads as the fill value
    g = f.create_group("many")
    for i in range(40):                          # several symbol table nodes under one B-tree node
        g[f"m{i}"] = i
    f["nested/deeper/value"] = np.int32(-12)

with h5py.File("latest.h5", "w", libver="latest") as f:   # superblock 3, object header 2, link messages
    f["floats"] = np.array([0.25, 0.5])
    f["group/text"] = "x"
    f.create_dataset("chunked", data=np.arange(8.0), chunks=(4,))
    d = f.create_group("dense")
    for i in range(12):                          # past 8 links: dense storage in a fractal heap
        d[f"k{i}"] = i

with h5py.File("scicode-targets.h5", "w") as f:
    f["1.1/test1/var1"] = np.array([0.5, 1.5, 2.5])
    f["1.1/test2/var1"] = 3.0
    f["1.1/test3/var1"] = "done"
    # a tuple: several variables (listed by name, so var10 comes before var2)
    t = f.create_group("1.2/test1")
    for i, v in enumerate([np.int64(4), np.bool_(False), np.array([1 + 1j]), "s", 0.1, 1, 2, 3, 4, 5]):
        t[f"var{i + 1}"] = v
    # a list that numpy could not make one array of: group 'list' with var1, var2
    l = f.create_group("1.2/test2/var1/list")
    l["var1"] = np.array([1.0, 2.0])
    l["var2"] = np.array([1, 2, 3])
    # a dict: keys that read as floats become floats, strings stay strings
    d = f.create_group("1.2/test3/var1")
    d["0.5"] = np.array([1.0])
    d["name"] = "abc"
    d["k"] = np.array([[1, 2], [3, 4]])
    # a sparse matrix (CSR): data, indices, indptr, shape
    s = f.create_group("2.1/test1/var1/sparse_matrix")
    s["data"] = np.array([1.0, 2.0, 3.0])
    s["indices"] = np.array([0, 2, 1], dtype=np.int32)
    s["indptr"] = np.array([0, 2, 3], dtype=np.int32)
    s["shape"] = np.array([2, 3])
    # COO
    c = f.create_group("2.1/test2/var1/sparse_matrix")
    c["data"] = np.array([5.0])
    c["row"] = np.array([1], dtype=np.int32)
    c["col"] = np.array([0], dtype=np.int32)
    c["shape"] = np.array([2, 2])

# small B-tree node sizes, so that 40 group members and 25 chunks need B-trees more than one level deep (h5py has no
# setter for them: the HDF5 library's own, through ctypes), and a 512-byte user block before the superblock
import ctypes
hdf5 = ctypes.CDLL("libhdf5_serial.so.103")
fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
assert hdf5.H5Pset_sym_k(ctypes.c_int64(fcpl.id), ctypes.c_uint(2), ctypes.c_uint(2)) >= 0
assert hdf5.H5Pset_istore_k(ctypes.c_int64(fcpl.id), ctypes.c_uint(2)) >= 0
fcpl.set_userblock(512)
with h5py.File(h5py.h5f.create(b"deep-btrees.h5", h5py.h5f.ACC_TRUNC, fcpl=fcpl)) as f:
    for i in range(40):
        f[f"m{i}"] = np.int16(i)
    f.create_dataset("chunked", data=np.arange(100, dtype="<i8").reshape(10, 10), chunks=(2, 2))
