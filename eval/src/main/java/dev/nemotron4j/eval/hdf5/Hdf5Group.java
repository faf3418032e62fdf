package dev.nemotron4j.eval.hdf5;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group: its members' names in the order h5py lists them ({@code keys()}: by name, byte-wise, so {@code var10}
 * comes before {@code var2}) and the objects they link to (hard links only).
 */
public final class Hdf5Group implements Hdf5Object {
    private final Hdf5File file;
    private final String path;
    private final Map<String, Long> members;

    Hdf5Group(Hdf5File file, String path, Map<String, Long> links) {
        this.file = file;
        this.path = path;
        String[] names = links.keySet().toArray(String[]::new);
        Arrays.sort(names, (a, b) -> Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, Long> sorted = new LinkedHashMap<>();
        for (String n : names) sorted.put(n, links.get(n));
        this.members = sorted;
    }

    @Override
    public String path() { return path; }

    /** Member names, sorted as h5py iterates them. */
    public List<String> names() { return List.copyOf(members.keySet()); }

    public boolean has(String name) { return members.containsKey(name); }

    /** The member {@code name}; a missing one is an error naming the file and the path. */
    public Hdf5Object get(String name) {
        Long address = members.get(name);
        String child = path.equals("/") ? "/" + name : path + "/" + name;
        if (address == null) throw file.error(child, "no such object (the group " + path + " holds " + names() + ")");
        if (address < 0) throw file.error(child, "a soft or external link, which is not supported");
        return file.objectAt(child, address);
    }

    @Override
    public String toString() { return "group " + path; }
}
