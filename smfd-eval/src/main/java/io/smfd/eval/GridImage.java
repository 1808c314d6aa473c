package io.smfd.eval;

import io.smfd.FaceImage;
import io.smfd.FaceMasks;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Renders {@code grid.png}: one row per selected face with the columns blurry input | best classical |
 * SMFD | sharp | predicted masks (argmax over the blurry input) | ground-truth masks, a caption per row
 * and a class colour legend. The output is derived from the (non-commercial) faces: it goes to the
 * output directory only, never into git.
 */
final class GridImage {

    private static final String[] COLUMNS = {"Blurry input", "Best classical", "SMFD", "Sharp (GT)",
        "Predicted masks", "GT masks"};
    private static final int PAD = 6;
    private static final int HEADER = 24;
    private static final int CAPTION = 20;

    private GridImage() {
    }

    static void write(Evaluation.Run run, Path file) throws IOException {
        List<Evaluation.GridRow> rows = run.grid;
        if (rows.isEmpty()) {
            return;
        }
        int tw = rows.get(0).sharp().width();
        int th = rows.get(0).sharp().height();
        int cols = COLUMNS.length;
        int legendH = 28;
        int width = PAD + cols * (tw + PAD);
        int height = HEADER + rows.size() * (th + CAPTION + PAD) + legendH + PAD;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            for (int c = 0; c < cols; c++) {
                g.drawString(COLUMNS[c], PAD + c * (tw + PAD) + 4, HEADER - 7);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int y = HEADER;
            for (Evaluation.GridRow r : rows) {
                if (r.sharp().width() != tw || r.sharp().height() != th) {
                    continue;
                }
                BufferedImage[] tiles = {
                    r.blurry().toBufferedImage(),
                    r.best().toBufferedImage(),
                    r.smfd() == null ? null : r.smfd().toBufferedImage(),
                    r.sharp().toBufferedImage(),
                    r.predicted() == null ? null : r.predicted().toOverlay(r.blurry()),
                    r.gtGroups() == null ? null : gtMasks(r.gtGroups(), tw, th).toOverlay(r.sharp()),
                };
                for (int c = 0; c < cols; c++) {
                    int x = PAD + c * (tw + PAD);
                    if (tiles[c] != null) {
                        g.drawImage(tiles[c], x, y, null);
                    } else {
                        g.setColor(new Color(0xDDDDDD));
                        g.fillRect(x, y, tw, th);
                        g.setColor(Color.DARK_GRAY);
                        g.drawString("n/a", x + tw / 2 - 10, y + th / 2);
                    }
                }
                g.setColor(Color.BLACK);
                g.drawString(r.label(), PAD + 2, y + th + 15);
                y += th + CAPTION + PAD;
            }
            drawLegend(g, PAD, y + 4);
        } finally {
            g.dispose();
        }
        ImageIO.write(out, "png", file.toFile());
    }

    /** One-hot masks of the GT groups, so that they render with the same colours as predictions. */
    static FaceMasks gtMasks(int[] groups, int w, int h) {
        int k = FaceDataset.GROUP_NAMES.size();
        int n = w * h;
        float[] p = new float[k * n];
        for (int i = 0; i < n; i++) {
            p[groups[i] * n + i] = 1f;
        }
        return FaceMasks.of(FaceDataset.GROUP_NAMES, w, h, p);
    }

    /** Legend: each class colour as rendered by {@link FaceMasks#toOverlay} over mid grey. */
    private static void drawLegend(Graphics2D g, int x, int y) {
        int s = FaceImage.MIN_SIZE;
        int k = FaceDataset.GROUP_NAMES.size();
        float[] grey = new float[3 * s * s];
        java.util.Arrays.fill(grey, 0.5f);
        FaceImage base = FaceImage.fromPlanarFloat(s, s, grey);
        g.setColor(Color.BLACK);
        g.drawString("Mask colours (50% blend):", x, y + 13);
        int cx = x + 170;
        for (int c = 1; c < k; c++) {
            int[] groups = new int[s * s];
            java.util.Arrays.fill(groups, c);
            BufferedImage sw = gtMasks(groups, s, s).toOverlay(base);
            g.drawImage(sw, cx, y, null);
            g.setColor(Color.BLACK);
            String name = FaceDataset.GROUP_NAMES.get(c);
            g.drawString(name, cx + s + 4, y + 13);
            cx += s + 12 + g.getFontMetrics().stringWidth(name);
        }
    }
}
