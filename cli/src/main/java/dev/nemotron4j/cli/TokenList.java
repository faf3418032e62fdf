package dev.nemotron4j.cli;

import picocli.CommandLine;

/** Parses token id lists such as {@code 1,2,3} or {@code "1 2 3"}. */
final class TokenList implements CommandLine.ITypeConverter<TokenList.Ids> {

    /** A parsed list of token ids. */
    record Ids(int[] ids) {}

    @Override
    public Ids convert(String value) {
        String[] parts = value.trim().split("[,\\s]+");
        if (value.isBlank()) throw new CommandLine.TypeConversionException("empty token list");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + parts[i] + "' is not a token id");
            }
            if (ids[i] < 0) throw new CommandLine.TypeConversionException("token id " + ids[i] + " is negative");
        }
        return new Ids(ids);
    }
}
