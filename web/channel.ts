// The worker's side of the page's channel: what it posts, and the page's messages as they come.
import type { FromWorker, ToWorker } from "./messages.ts";

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (event: { data: ToWorker }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

export function post(message: FromWorker): void {
  scope.postMessage(message);
}

const listeners: ((message: ToWorker) => void)[] = [];
scope.addEventListener("message", (event) => listeners.forEach((listen) => listen(event.data)));

export function onMessage(listen: (message: ToWorker) => void): void {
  listeners.push(listen);
}

/** The next message of a kind. */
export function nextMessage<K extends ToWorker["type"]>(type: K): Promise<Extract<ToWorker, { type: K }>> {
  return new Promise((resolve) => {
    const listen = (message: ToWorker) => {
      if (message.type !== type) return;
      listeners.splice(listeners.indexOf(listen), 1);
      resolve(message as Extract<ToWorker, { type: K }>);
    };
    listeners.push(listen);
  });
}
