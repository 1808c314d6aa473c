package io.smfd.runtime.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses {@code Conv -> Add(residual) -> activation} and {@code Conv -> activation} chains into the convolution's
 * epilogue when the intermediate values have no other consumer. The fused conv takes the place of the last node of
 * its chain, so every input it reads (including the residual) is computed before it runs.
 */
final class Fusion {

    private Fusion() {
    }

    static List<Op> fuse(List<Op> list, List<Network.Value> values, int[][] shapes, Map<String, Integer> consumersByName,
                         Set<String> outputNames) {
        Op[] ops = list.toArray(new Op[0]);
        int[] uses = new int[values.size()];
        int[] consumer = new int[values.size()];
        Arrays.fill(consumer, -1);
        for (int i = 0; i < ops.length; i++) {
            for (int in : ops[i].inputs) {
                uses[in]++;
                consumer[in] = i;
            }
        }
        boolean[] isOutput = new boolean[values.size()];
        for (Network.Value v : values) {
            isOutput[v.id] = outputNames.contains(v.name);
        }
        for (int i = 0; i < ops.length; i++) {
            if (!(ops[i] instanceof Conv)) {
                continue;
            }
            Conv conv = (Conv) ops[i];
            int at = i;
            while (true) {
                int out = conv.output;
                if (uses[out] != 1 || isOutput[out]) {
                    break;
                }
                int j = consumer[out];
                Op next = ops[j];
                if (next instanceof Ops.Binary && !((Ops.Binary) next).mul && !conv.hasResidual
                        && conv.act == Kernels.ACT_NONE) {
                    int other = next.inputs[0] == out ? next.inputs[1] : next.inputs[0];
                    if (values.get(other).isConst() || !Arrays.equals(shapes[other], shapes[out])
                            || !Arrays.equals(shapes[next.output], shapes[out])) {
                        break;
                    }
                    conv.fuseResidual(other, next.output);
                } else if (next instanceof Ops.Unary && conv.act == Kernels.ACT_NONE) {
                    Ops.Unary u = (Ops.Unary) next;
                    conv.fuseActivation(u.act, u.lo, u.hi, next.output);
                } else {
                    break;
                }
                ops[j] = conv;
                ops[at] = null;
                at = j;
                // uses of the residual moved from the Add to the conv: counts are unchanged
            }
        }
        List<Op> result = new ArrayList<>();
        for (Op op : ops) {
            if (op != null) {
                result.add(op);
            }
        }
        return result;
    }
}
