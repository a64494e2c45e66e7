// What torchvision's model builders take about weights, and the one answer this library can give.
import * as A from "../args.ts";

/** Checks a model builder's options: an unknown key or a wrong type is an error naming it. */
export function checkModelOptions(where: string, options: unknown): void {
  A.checkOptions(where, options, { weights: A.nullable(A.string), pretrained: A.boolean, numClasses: A.integer, dropout: A.number, initWeights: A.boolean });
}

/** What torchvision's model builders take: weights/pretrained (refused here: no download), numClasses, dropout. */
export interface ModelOptions {
  /** torchvision's weights enum name ("IMAGENET1K_V1") or "DEFAULT": not available offline. */
  weights?: string | null;
  /** The older spelling of the same request. */
  pretrained?: boolean;
  /** Size of the last Linear layer (1000 ImageNet classes by default). */
  numClasses?: number;
  /** Dropout probability in the classifier (0.5, as torchvision). */
  dropout?: number;
  /** VGG only: false keeps each layer's default initialisation instead of torchvision's (faster). */
  initWeights?: boolean;
}

/** Refuses a request for pretrained weights, saying why and what to do instead. */
export function refusePretrained(model: string, { weights, pretrained }: ModelOptions): void {
  if (!pretrained && (weights === undefined || weights === null)) return;
  const asked = weights ? `{ weights: "${weights}" }` : "{ pretrained: true }";
  throw new Error(
    `models.${model}(${asked}): pretrained weights cannot be downloaded here (this library reaches no ` +
      "model hub). Build the model without weights, then load parameters you have as a state dict: " +
      `const model = models.${model}(); model.loadStateDict(stateDict), with the keys of model.stateDict().`,
  );
}
