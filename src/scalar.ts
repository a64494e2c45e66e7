// Scalar autograd: the whole idea of backpropagation on single numbers.
//
// A Value holds one number (`data`) and, after backward(), the derivative of the final result
// with respect to it (`grad`). Every operation makes a new Value that remembers its inputs and a
// small `backwardStep` closure: given the output's grad, it adds the output's contribution to each
// input's grad (the chain rule, one local derivative at a time). backward() orders the graph so
// every Value comes after everything computed from it, seeds the result's grad with 1, and runs
// the steps in that order.
//
// The Tensor engine (src/tensor/) is exactly this idea with arrays in place of numbers.

type Operand = Value | number;

/** One number with autograd (micrograd's Value): `data`, `grad`, arithmetic that records the graph, `backward()`. */
export class Value {
  data: number;
  grad = 0;
  /** The Values this one was computed from (empty for inputs). */
  readonly inputs: Value[];
  /** The name of the operation that made this Value, for printing the graph. */
  readonly op: string;
  private backwardStep: () => void = () => {};

  constructor(data: number, inputs: Value[] = [], op = "") {
    this.data = data;
    this.inputs = inputs;
    this.op = op;
  }

  add(other: Operand): Value {
    const b = toValue(other);
    const out = new Value(this.data + b.data, [this, b], "+");
    out.backwardStep = () => {
      this.grad += out.grad; // d(a + b)/da = 1
      b.grad += out.grad; //    d(a + b)/db = 1
    };
    return out;
  }

  mul(other: Operand): Value {
    const b = toValue(other);
    const out = new Value(this.data * b.data, [this, b], "*");
    out.backwardStep = () => {
      this.grad += b.data * out.grad; // d(a * b)/da = b
      b.grad += this.data * out.grad; // d(a * b)/db = a
    };
    return out;
  }

  /** this ** exponent, for a plain number exponent. */
  pow(exponent: number): Value {
    const out = new Value(this.data ** exponent, [this], `**${exponent}`);
    out.backwardStep = () => {
      this.grad += exponent * this.data ** (exponent - 1) * out.grad; // d(a^n)/da = n a^(n-1)
    };
    return out;
  }

  exp(): Value {
    const out = new Value(Math.exp(this.data), [this], "exp");
    out.backwardStep = () => {
      this.grad += out.data * out.grad; // d(e^a)/da = e^a
    };
    return out;
  }

  log(): Value {
    const out = new Value(Math.log(this.data), [this], "log");
    out.backwardStep = () => {
      this.grad += (1 / this.data) * out.grad; // d(ln a)/da = 1/a
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this], "tanh");
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad; // d(tanh a)/da = 1 - tanh(a)^2
    };
    return out;
  }

  sigmoid(): Value {
    const s = 1 / (1 + Math.exp(-this.data));
    const out = new Value(s, [this], "sigmoid");
    out.backwardStep = () => {
      this.grad += s * (1 - s) * out.grad; // d(sigmoid a)/da = s (1 - s)
    };
    return out;
  }

  relu(): Value {
    const out = new Value(this.data > 0 ? this.data : 0, [this], "relu");
    out.backwardStep = () => {
      this.grad += (this.data > 0 ? 1 : 0) * out.grad; // slope 1 right of zero, 0 left of it
    };
    return out;
  }

  // The rest are built from the operations above, so they need no backward of their own.
  neg(): Value {
    return this.mul(-1);
  }
  sub(other: Operand): Value {
    return this.add(toValue(other).neg());
  }
  div(other: Operand): Value {
    return this.mul(toValue(other).pow(-1));
  }

  /** Fills `grad` of every Value this one depends on with d(this)/d(that). Gradients accumulate:
   *  call zeroGrad() (or set grad = 0) on the inputs before a second backward if you want fresh ones. */
  backward(): void {
    const order: Value[] = [];
    const visited = new Set<Value>();
    const visit = (v: Value): void => {
      if (visited.has(v)) return;
      visited.add(v);
      for (const input of v.inputs) visit(input);
      order.push(v); // after all of its inputs
    };
    visit(this);

    this.grad = 1; // d(this)/d(this)
    for (const v of order.reverse()) v.backwardStep();
  }

  zeroGrad(): void {
    this.grad = 0;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function toValue(x: Operand): Value {
  return x instanceof Value ? x : new Value(x);
}
