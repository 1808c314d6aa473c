package io.smfd.spark;

import io.smfd.BlurAssessment;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.InvalidImageException;
import io.smfd.SmfdException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link FaceDeblurTransformer}: appends the output, assessment, error and time columns to each
 * row of a partition, using this JVM's shared deblurrer (opened at the first row, so empty partitions open
 * nothing). A face that cannot be decoded or deblurred gets null outputs and the reason in the error column;
 * configuration failures (backend, model) fail the task.
 */
final class DeblurPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final DeblurSettings settings;
    private final int inputIndex;
    private final int[] imageFields; // null: encoded bytes
    private final String format;
    private final boolean withAssessment;
    private final boolean withMillis;

    DeblurPartition(DeblurSettings settings, int inputIndex, int[] imageFields, String format,
            boolean withAssessment, boolean withMillis) {
        this.settings = settings;
        this.inputIndex = inputIndex;
        this.imageFields = imageFields == null ? null : imageFields.clone();
        this.format = format;
        this.withAssessment = withAssessment;
        this.withMillis = withMillis;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private Deblurrer deblurrer;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                if (deblurrer == null) {
                    deblurrer = ExecutorDeblurrers.get(settings);
                }
                return process(deblurrer, row);
            }
        };
    }

    private Row process(Deblurrer d, Row row) {
        long t0 = System.nanoTime();
        byte[] output = null;
        Row assessment = null;
        String error = null;
        Object in = row.get(inputIndex);
        if (in == null) {
            error = "INVALID_IMAGE: no image (the input column is null)";
        } else {
            try {
                FaceImage face = imageFields != null ? ImageCodec.fromImageRow((Row) in, imageFields) : ImageCodec.decode((byte[]) in);
                if (withAssessment) {
                    // one assessment serves the policy and the column (deblur would assess the face again)
                    DeblurResult r = d.deblurAllWithResults(List.of(face)).get(0);
                    output = ImageCodec.encode(r.image(), format);
                    BlurAssessment a = r.assessment();
                    assessment = RowFactory.create(a.severity(), a.extentPixels(), a.needsDeblurring(), r.deblurred());
                } else {
                    output = ImageCodec.encode(d.deblur(face), format);
                }
            } catch (InvalidImageException e) {
                error = e.reason() + ": " + e.getMessage();
            } catch (SmfdException e) {
                if (e.reason() != SmfdException.Reason.INFERENCE_FAILED) {
                    throw e; // CLOSED, model or backend trouble: not this row's fault
                }
                error = e.reason() + ": " + e.getMessage();
            } catch (IOException e) {
                error = "ENCODING_FAILED: cannot encode the result as " + format + " (" + ImageCodec.describe(e) + ")";
            }
        }
        int n = row.length();
        Object[] values = new Object[n + 2 + (withAssessment ? 1 : 0) + (withMillis ? 1 : 0)];
        for (int i = 0; i < n; i++) {
            values[i] = row.get(i);
        }
        int k = n;
        values[k++] = output;
        if (withAssessment) {
            values[k++] = assessment;
        }
        values[k++] = error;
        if (withMillis) {
            values[k] = (System.nanoTime() - t0) / 1e6;
        }
        return RowFactory.create(values);
    }
}
