/** 10 · Functions and plots: train/validate functions, a validation split, history plots, dropout */
// Follows part 10 (プログラムを関数にまとめて実行結果をグラフにプロットしよう). The CNN of chapter 8,
// with its training and checking wrapped in functions; 48000 of the training images to learn from
// and 12000 held back to validate on after every epoch; the history of loss and accuracy drawn as
// charts. The gap between training and validation that opens up over the epochs is overfitting;
// Net2 adds dropout and the gap closes.
//
//   npx tsx chapters/10-functions-and-plots.ts               the article's 50 epochs per network (long)
//   npx tsx chapters/10-functions-and-plots.ts --epochs 3    a first look at the curves
import * as torch from "../src/index.ts";
import { nn, optim, data, transforms } from "../src/index.ts";
import { lineChart } from "../src/plot/index.ts";
import { MNIST } from "../datasets/mnist.ts";
import { chapter, readOut, saveOut } from "./lib/cells.ts";

const ch = chapter("10", "Functions and plots", { epochs: 50, random: true });
torch.manualSeed(ch.flags.seed); // --seed N: another split, start and shuffle
const LIMIT = ch.flags.limit; // --limit N: use only the first N training images (split 80/20 as well)

let trainset: MNIST;
let testset: MNIST;
let testloader: data.DataLoader<MNIST>;
const BATCH_SIZE = 20;

ch.cell("part 10 · インポート文とデータセットの準備 — the datasets; the training loaders come later", () => {
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize(0.5, 0.5)]);

  trainset = new MNIST({ train: true, transform, limit: LIMIT });
  // No loader over trainset here: getLoaders below splits it first.

  testset = new MNIST({ train: false, transform });
  testloader = new data.DataLoader(testset, { batchSize: BATCH_SIZE, shuffle: false });
  console.log(`trainset: ${trainset.length} images, testset: ${testset.length} images`);
});

// Chapter 8's CNN.
class Net extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 6, 5);
    this.pool = new nn.MaxPool2d(2);
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * 16, 64);
    this.fc2 = new nn.Linear(64, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1(x);
    x = nn.functional.relu(x);
    x = this.pool(x);
    x = this.conv2(x);
    x = this.pool(x);
    x = x.reshape(-1, 16 * 16);
    x = this.fc1(x);
    x = nn.functional.relu(x);
    x = this.fc2(x);
    return x;
  }
}

// One pass over the data, learning as it goes. Returns the average loss and the accuracy.
// (As in the article, the loss sums each batch's mean loss and divides by the number of images,
// so it reads about 20 times smaller than a per-image loss: compare its curves, not its size.)
// torch.progress (tqdm, not in the article) draws a progress bar on stderr as it goes.
function train(net: nn.Module, dataloader: data.DataLoader, criterion: nn.CrossEntropyLoss, optimizer: optim.SGD): [number, number] {
  net.train(); // training mode: dropout (in Net2) is active

  let totalLoss = 0.0;
  let totalCorrect = 0;
  for (const [inputs, labels] of torch.progress(dataloader, { desc: "train" })) {
    // torch.tidy is ours: JavaScript frees memory late, so each step hands its memory to the next.
    torch.tidy(() => {
      optimizer.zeroGrad();
      const outputs = net(inputs);
      const loss = criterion(outputs, labels);
      loss.backward();
      optimizer.step();

      totalLoss += loss.item();
      const [, predicted] = torch.max(outputs, 1);
      totalCorrect += predicted.eq(labels!).sum().item();
    });
  }

  const avgLoss = totalLoss / dataloader.dataset.length;
  const accuracy = totalCorrect / dataloader.dataset.length;

  return [avgLoss, accuracy];
}

// One pass without learning: evaluation mode, no graph. Returns the average loss and the accuracy.
function validate(net: nn.Module, dataloader: data.DataLoader, criterion: nn.CrossEntropyLoss): [number, number] {
  net.eval(); // evaluation mode: dropout passes everything through

  let totalLoss = 0.0;
  let totalCorrect = 0;
  torch.noGrad(() => {
    for (const [inputs, labels] of dataloader) {
      torch.tidy(() => {
        const outputs = net(inputs);
        const loss = criterion(outputs, labels);

        totalLoss += loss.item();
        const [, predicted] = torch.max(outputs, 1);
        totalCorrect += predicted.eq(labels!).sum().item();
      });
    }
  });

  const avgLoss = totalLoss / dataloader.dataset.length;
  const avgAccuracy = totalCorrect / dataloader.dataset.length;

  return [avgLoss, avgAccuracy];
}

interface History {
  trainLossValues: number[];
  trainAccuracyValues: number[];
  validLossValues: number[];
  validAccuracyValues: number[];
}

// Splits the data, then per epoch: train on one part, validate on the other, print and record both.
function doTrainAndValidate(net: nn.Module, trainset: data.Dataset, criterion: nn.CrossEntropyLoss,
  optimizer: optim.SGD, epochs: number): History {
  const [trainloader, validloader] = getLoaders(trainset);

  const history: History = {
    trainLossValues: [],
    trainAccuracyValues: [],
    validLossValues: [],
    validAccuracyValues: [],
  };

  const percent = (x: number) => `${(x * 100).toFixed(4)}%`;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    console.log(`epoch: ${String(epoch).padStart(2)}`);

    const [tLoss, tAccu] = train(net, trainloader, criterion, optimizer);
    const [vLoss, vAccu] = validate(net, validloader, criterion);

    console.log(`train_loss: ${tLoss.toFixed(6)}, train_accuracy: ${percent(tAccu)}, ` +
      `valid_loss: ${vLoss.toFixed(6)}, valid_accuracy: ${percent(vAccu)}`);

    history.trainLossValues.push(tLoss);
    history.trainAccuracyValues.push(tAccu);
    history.validLossValues.push(vLoss);
    history.validAccuracyValues.push(vAccu);
  }

  return history;
}

// 80 % of the images to learn from (48000 of 60000), the other 20 % to validate on, picked at random.
function getLoaders(dataset: data.Dataset): [data.DataLoader, data.DataLoader] {
  const trainSize = Math.trunc(dataset.length * 0.8);
  const validSize = dataset.length - trainSize;
  const [trainSet, validSet] = data.randomSplit(dataset, [trainSize, validSize]);
  const trainloader = new data.DataLoader(trainSet!, { batchSize: BATCH_SIZE, shuffle: true });
  const validloader = new data.DataLoader(validSet!, { batchSize: BATCH_SIZE, shuffle: false });
  return [trainloader, validloader];
}

// Two series against the epoch, as an SVG file under out/ (the article shows them with matplotlib):
// "Net loss" goes to out/10-net-loss.svg.
function plotGraph(values1: number[], values2: number[], label1: string, label2: string, title: string, yLabel: string): void {
  const svg = lineChart({
    series: [{ name: label1, y: values1, marker: true }, { name: label2, y: values2, marker: true }],
    title,
    xLabel: "epoch",
    yLabel,
  });
  saveOut(`10-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.svg`, svg);
}

const EPOCHS = ch.flags.epochs; // 50, as in the article
let net: Net;
let history: History;

ch.cell("part 10 · 学習と精度評価の実行 — Net: train and validate, epoch after epoch", () => {
  net = new Net();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

  history = doTrainAndValidate(net, trainset, criterion, optimizer, EPOCHS);

  console.log("Finished");
});

ch.cell("part 10 · 学習と精度評価の実行 — Net: the loss and accuracy curves", () => {
  if (history.trainLossValues.length === 0) return console.log("(no epoch finished: nothing to plot)");
  const tLosses = history.trainLossValues;
  const tAccus = history.trainAccuracyValues;
  const vLosses = history.validLossValues;
  const vAccus = history.validAccuracyValues;

  plotGraph(tLosses, vLosses, "loss(train)", "loss(validate)", "Net loss", "loss");
  plotGraph(tAccus, vAccus, "accuracy(train)", "accuracy(validate)", "Net accuracy", "accuracy");
  // Over many epochs the training loss keeps falling while the validation loss levels off and
  // creeps up again: the network is learning its 48000 training images rather than digits.
});

// Net with dropout between fc1 and fc2: while training, each of the 64 hidden outputs is zeroed
// with probability 0.5 (the rest doubled), so no output can count on any particular other one.
class Net2 extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  dropout: nn.Dropout;
  fc2: nn.Linear;
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 6, 5);
    this.pool = new nn.MaxPool2d(2);
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * 16, 64);
    this.dropout = new nn.Dropout(); // p = 0.5
    this.fc2 = new nn.Linear(64, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1(x);
    x = nn.functional.relu(x);
    x = this.pool(x);
    x = this.conv2(x);
    x = this.pool(x);
    x = x.reshape(-1, 16 * 16);
    x = this.fc1(x);
    x = nn.functional.relu(x);
    x = this.dropout(x); // the one new line
    x = this.fc2(x);
    return x;
  }
}

let net2: Net2;
let history2: History;

ch.cell("part 10 · 過学習とは — Net2 (with dropout): train and validate", () => {
  net2 = new Net2();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net2.parameters(), { lr: 0.001, momentum: 0.9 });

  history2 = doTrainAndValidate(net2, trainset, criterion, optimizer, EPOCHS);

  console.log("Finished");
});

ch.cell("part 10 · 過学習とは — Net2: the loss and accuracy curves", () => {
  if (history2.trainLossValues.length === 0) return console.log("(no epoch finished: nothing to plot)");
  const tLosses = history2.trainLossValues;
  const tAccus = history2.trainAccuracyValues;
  const vLosses = history2.validLossValues;
  const vAccus = history2.validAccuracyValues;

  plotGraph(tLosses, vLosses, "loss(train)", "loss(validate)", "Net2 loss", "loss");
  plotGraph(tAccus, vAccus, "accuracy(train)", "accuracy(validate)", "Net2 accuracy", "accuracy");
  // With dropout the training numbers are measured on a handicapped network, so they sit at or
  // below the validation ones, and the two curves stay together.
});

ch.cell("part 10 · 過学習とは — both histories as JSON", () => {
  saveOut("10-history.json", JSON.stringify({ epochs: history.trainLossValues.length, Net: history, Net2: history2 }, null, 2) + "\n");
});

ch.cell("part 10 · 過学習とは — the test images, which neither network has seen", () => {
  if (history.trainLossValues.length === 0) return console.log("(no training ran)");
  // The article leaves this to its notebook: validate() with the test loader.
  const criterion = new nn.CrossEntropyLoss();
  for (const [name, model] of [["Net", net], ["Net2", net2]] as const) {
    const [testLoss, testAccuracy] = validate(model, testloader, criterion);
    console.log(`${name}: test_loss: ${testLoss.toFixed(6)}, test_accuracy: ${(testAccuracy * 100).toFixed(4)}%`);
  }
});

ch.cell("ours · saving the trained networks, and loading one back", () => {
  if (history.trainLossValues.length === 0) return console.log("(no training ran)");
  // Not in the article: torch.serialize turns a state dict into safetensors bytes, the format
  // PyTorch users load with safetensors.torch.load_file; the names are PyTorch's, so the file loads
  // there too. (In Node, torch.save(stateDict, path) and torch.load(path) do the file part in one
  // call; a page has no files, so the chapter writes the bytes where it writes its other output.)
  for (const [name, model] of [["net", net], ["net2", net2]] as const) {
    saveOut(`10-${name}.safetensors`, torch.serialize(model.stateDict()));
  }
  const loaded = new Net();
  loaded.loadStateDict(torch.deserialize(readOut("10-net.safetensors")));
  const criterion = new nn.CrossEntropyLoss();
  const [, original] = validate(net, testloader, criterion);
  const [, reloaded] = validate(loaded, testloader, criterion);
  console.log(`Net from the file: test_accuracy: ${(reloaded * 100).toFixed(4)}% (the trained one: ${(original * 100).toFixed(4)}%)`);
});
