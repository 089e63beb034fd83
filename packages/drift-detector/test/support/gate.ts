/** Where work can be made to wait: open until `close()`, whose returned function opens it again. */
export class Gate {
  private opened: Promise<void> = Promise.resolve();

  /** Resolves once the gate is open. */
  passed(): Promise<void> {
    return this.opened;
  }

  close(): () => void {
    let open = () => {};
    this.opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      open();
      this.opened = Promise.resolve();
    };
  }
}
