// nn.functional's softmax family. The ops live with the other tensor ops (tensor/ops/softmax.ts),
// since tensors have them as methods too (x.softmax(dim)).
export { softmax, logSoftmax, softmaxSimple } from "../../tensor/ops/softmax.ts";
