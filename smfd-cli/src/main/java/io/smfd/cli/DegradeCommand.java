package io.smfd.cli;

import io.smfd.FaceImage;
import io.smfd.SmfdException;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code smfd degrade}: applies the spec-v1 degradation pipeline
 * ({@link DegradationPipeline#defaults()}) to one face.
 *
 * <pre>
 * smfd degrade --input face.jpg --seed 42 --out out.png                 # one degraded image
 * smfd degrade --input face.jpg --seed 42 --out sheet.png --contact-sheet
 *     # 4x4 grid: the face under seeds 42..57, each with its parameters and kernel inset
 * </pre>
 *
 * The output is always PNG, written to the given path. Exit codes: 0 success, 1 error (unreadable
 * input, unsupported size, write failure), 2 usage error.
 */
public final class DegradeCommand {
    /** Number of degradations on a contact sheet (4 x 4). */
    public static final int SHEET_CELLS = 16;
    private static final int COLS = 4;
    private static final int PAD = 8;
    private static final int TEXT_LINES = 8;

    private DegradeCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args arguments after {@code degrade}
     * @param out  standard output (the parameters of each degradation are printed here)
     * @param err  standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String input = null;
        String output = null;
        long seed = 0;
        boolean sheet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--input":
                        input = value(args, ++i, "--input");
                        break;
                    case "--out":
                        output = value(args, ++i, "--out");
                        break;
                    case "--seed":
                        seed = Long.parseLong(value(args, ++i, "--seed"));
                        break;
                    case "--contact-sheet":
                        sheet = true;
                        break;
                    case "--help":
                    case "-h":
                        usage(out);
                        return 0;
                    default:
                        throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (input == null || output == null) {
                throw new IllegalArgumentException("--input and --out are required");
            }
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            err.println("degrade: " + e.getMessage());
            usage(err);
            return 2;
        }
        try {
            FaceImage face;
            try {
                face = ImageFiles.read(Path.of(input)); // strict: header size check, read warnings are errors
            } catch (IOException e) {
                err.println("degrade: " + input + ": " + e.getMessage());
                return 1;
            }
            DegradationPipeline pipe = DegradationPipeline.defaults();
            BufferedImage result;
            if (sheet) {
                List<Degradation> ds = new ArrayList<>();
                List<FaceImage> faces = new ArrayList<>();
                for (int i = 0; i < SHEET_CELLS; i++) {
                    Degradation d = pipe.sample(seed + i);
                    ds.add(d);
                    faces.add(d.applyTo(face));
                    out.println("seed " + (seed + i) + ": " + d.describe());
                }
                result = contactSheet(ds, faces);
            } else {
                Degradation d = pipe.sample(seed);
                result = d.applyTo(face).toBufferedImage();
                out.println("seed " + seed + ": " + d.describe());
            }
            Path target = Path.of(output).toAbsolutePath();
            if (Files.exists(target) && Files.isSameFile(target, Path.of(input))) { // also through a link
                err.println("degrade: --out " + output + " is the input file " + input + "; not overwriting it");
                return 1;
            }
            ImageFiles.write(result, "png", target); // refuses a target that is not a regular file
            out.println("wrote " + target);
            return 0;
        } catch (IOException e) {
            err.println("degrade: " + e.getMessage());
            return 1;
        } catch (SmfdException e) {
            err.println("degrade: " + e.getMessage());
            return 1;
        } catch (InvalidPathException e) {
            err.println("degrade: invalid path: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    private static void usage(PrintStream s) {
        s.println("Usage: smfd degrade --input FACE --out OUT.png [--seed N] [--contact-sheet]");
        s.println("  Applies the spec-v1 random degradation for seed N (default 0) and writes a PNG.");
        s.println("  --contact-sheet  writes a 4x4 grid of seeds N..N+15 with parameters and kernels");
    }

    /**
     * Renders degraded faces in a 4-column grid, each with its seed and {@code describe()} text
     * beneath and its kernel as an inset in the top-right corner.
     *
     * @param ds    the degradations
     * @param faces the degraded faces (same order, same size)
     * @return the sheet
     */
    static BufferedImage contactSheet(List<Degradation> ds, List<FaceImage> faces) {
        int w = faces.get(0).width();
        int h = faces.get(0).height();
        Font font = new Font(Font.MONOSPACED, Font.PLAIN, 11);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        pg.dispose();
        int lineH = fm.getHeight();
        int cellW = w + PAD;
        int cellH = h + TEXT_LINES * lineH + PAD + 4;
        int rows = (faces.size() + COLS - 1) / COLS;
        BufferedImage sheet = new BufferedImage(COLS * cellW + PAD, rows * cellH + PAD,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            for (int i = 0; i < faces.size(); i++) {
                int x0 = PAD + (i % COLS) * cellW;
                int y0 = PAD + (i / COLS) * cellH;
                g.drawImage(faces.get(i).toBufferedImage(), x0, y0, null);
                drawKernel(g, ds.get(i), x0 + w - 66, y0 + 2, 64);
                g.setColor(Color.BLACK);
                List<String> lines = wrap("seed " + ds.get(i).seed() + ": " + ds.get(i).describe(),
                        fm, w);
                for (int l = 0; l < Math.min(lines.size(), TEXT_LINES); l++) {
                    g.drawString(lines.get(l), x0, y0 + h + 2 + fm.getAscent() + l * lineH);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** Kernel inset: nearest-neighbour upscaled, normalised to its maximum, framed. */
    private static void drawKernel(Graphics2D g, Degradation d, int x, int y, int size) {
        int k = d.kernelSize();
        double[] ker = d.kernel();
        double max = 0;
        for (double v : ker) {
            max = Math.max(max, v);
        }
        BufferedImage inset = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                double v = ker[(py * k / size) * k + (px * k / size)] / max;
                int c = (int) Math.round(255 * Math.sqrt(v)); // sqrt: faint tails stay visible
                inset.setRGB(px, py, (c << 16) | (c << 8) | c);
            }
        }
        g.drawImage(inset, x, y, null);
        g.setColor(Color.YELLOW);
        g.drawRect(x - 1, y - 1, size + 1, size + 1);
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        for (String part : text.split(" \\| ")) {
            StringBuilder line = new StringBuilder();
            for (String word : part.split(" ")) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (fm.stringWidth(candidate) > width && line.length() > 0) {
                    lines.add(line.toString());
                    line = new StringBuilder(word);
                } else {
                    line = new StringBuilder(candidate);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
