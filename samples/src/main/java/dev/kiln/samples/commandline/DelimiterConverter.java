package dev.kiln.samples.commandline;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The field separator of a CSV file: one character, or {@code tab} (a tab is awkward to type in a shell). */
public final class DelimiterConverter implements ITypeConverter<Character> {
    /** How {@code --delimiter} names the tab. */
    public static final String TAB = "tab";

    @Override
    public Character convert(String value) {
        if (value.equalsIgnoreCase(TAB) || value.equals("\\t")) {
            return '\t';
        }
        if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
            throw new TypeConversionException("'" + value + "' is not a delimiter; expected one character other than"
                    + " a quote or a line break (such as ';'), or " + TAB);
        }
        return value.charAt(0);
    }

    /** {@code delimiter} as {@code --delimiter} takes it. */
    public static String option(char delimiter) {
        return delimiter == '\t' ? TAB : "'" + delimiter + "'";
    }
}
