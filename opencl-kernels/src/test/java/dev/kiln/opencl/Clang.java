package dev.kiln.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clang as a second OpenCL C compiler: compiles a program for the generic SPIR target, stricter than PoCL, and
 * lists the functions the result calls but does not define, other than OpenCL builtins and LLVM intrinsics. A GPU
 * driver links nothing else, so any such function fails to build there.
 */
final class Clang {
    private static final Pattern DECLARE = Pattern.compile("^declare [^@]*@\"?([^\"(\\s]+)\"?\\(", Pattern.MULTILINE);
    private static final Pattern MANGLED = Pattern.compile("_Z(\\d+)(\\w+)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_]\\w*");
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    /** What one compilation produced: the compiler's exit code and messages, and the LLVM IR on success. */
    record Result(int exitCode, String messages, String ir) {
    }

    private final Set<String> builtins;

    private Clang(Set<String> builtins) {
        this.builtins = builtins;
    }

    /** Clang on the PATH with its OpenCL builtin headers, or null when clang is not installed. */
    static Clang find() throws IOException, InterruptedException {
        Result version;
        try {
            version = run(List.of("clang", "-print-resource-dir"));
        } catch (IOException e) {
            return null;
        }
        if (version.exitCode() != 0) {
            return null;
        }
        Path headers = Path.of(version.messages().trim(), "include");
        Set<String> builtins = new HashSet<>();
        for (String header : List.of("opencl-c-base.h", "opencl-c.h")) {
            String text = Files.readString(headers.resolve(header), StandardCharsets.UTF_8);
            String code = COMMENT.matcher(text).replaceAll(" ");
            Matcher words = IDENTIFIER.matcher(code);
            while (words.find()) {
                builtins.add(words.group());
            }
        }
        return new Clang(builtins);
    }

    /**
     * Compiles {@code source} as OpenCL C 1.2 for spir64 at {@code optimisation} ("-O0", "-O2") with the backend's
     * {@code buildOptions} to LLVM IR; warnings are errors, and cl_khr_fp64 is on only when {@code fp64}, so a float
     * program may not use doubles.
     */
    Result compile(String source, boolean fp64, String optimisation, String buildOptions, Path directory)
            throws IOException, InterruptedException {
        Path input = Files.createTempFile(directory, "program", ".cl");
        Path output = Files.createTempFile(directory, "program", ".ll");
        Files.writeString(input, source, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("clang", "-x", "cl", "-cl-std=CL1.2", "-target", "spir64",
                optimisation, "-Werror", "-Xclang", "-cl-ext=" + (fp64 ? "+" : "-") + "cl_khr_fp64"));
        if (!buildOptions.isBlank()) {
            command.addAll(List.of(buildOptions.trim().split("\\s+")));
        }
        command.addAll(List.of("-emit-llvm", "-S", input.toString(), "-o", output.toString()));
        Result compiled = run(command);
        String ir = compiled.exitCode() == 0 ? Files.readString(output, StandardCharsets.UTF_8) : "";
        return new Result(compiled.exitCode(), compiled.messages(), ir);
    }

    /** Functions {@code ir} declares without defining that are neither LLVM intrinsics nor OpenCL builtins. */
    List<String> undefinedFunctions(String ir) {
        List<String> undefined = new ArrayList<>();
        Matcher declared = DECLARE.matcher(ir);
        while (declared.find()) {
            String name = declared.group(1);
            if (!name.startsWith("llvm.") && !isBuiltin(name)) {
                undefined.add(name);
            }
        }
        return undefined;
    }

    /** OpenCL builtins are overloaded, hence Itanium-mangled; a plain C name is always the program's own. */
    private boolean isBuiltin(String name) {
        Matcher mangled = MANGLED.matcher(name);
        if (!mangled.matches()) {
            return false;
        }
        int length = Integer.parseInt(mangled.group(1));
        return length <= mangled.group(2).length() && builtins.contains(mangled.group(2).substring(0, length));
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", command), "");
        }
        return new Result(process.exitValue(), output, "");
    }
}
