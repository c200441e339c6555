/**
 * Deliveries in flight at once: many across cases, one after another within a case. The checkpoint
 * passes a position only when every delivery up to it is done, so a restart redelivers whatever was
 * still in flight (the workflow ignores what it has already applied). It is saved at most once per
 * `saveIntervalMs`, at the latest position passed: each save is a write to the store, and a restart
 * redelivers no more than that interval's worth of events.
 */
export class DeliveryWindow {
  private readonly pending: Array<{ position: number; done: boolean }> = [];
  private readonly lastOfCase = new Map<string, Promise<void>>();
  private inFlight = 0;
  private roomFreed: () => void = () => {};
  private saving: Promise<void> = Promise.resolve();
  private latestPassed = 0;
  private saveScheduled = false;

  constructor(
    private readonly capacity: number,
    private readonly saveCheckpoint: (position: number) => Promise<void>,
    private readonly saveIntervalMs = 100,
  ) {}

  /**
   * Starts `deliver` once the case's earlier deliveries are done; resolves as soon as there is room
   * for the next event. `deliver` resolves true once delivered, false if it gave up (stopping).
   */
  async push(caseId: string, position: number, deliver: () => Promise<boolean>): Promise<void> {
    while (this.inFlight >= this.capacity) await new Promise<void>((resolve) => (this.roomFreed = resolve));
    this.inFlight++;
    const entry = { position, done: false };
    this.pending.push(entry);
    const delivery = (this.lastOfCase.get(caseId) ?? Promise.resolve()).then(async () => {
      entry.done = await deliver();
      this.inFlight--;
      this.roomFreed();
      this.advance();
    });
    this.lastOfCase.set(caseId, delivery);
    void delivery.then(() => {
      if (this.lastOfCase.get(caseId) === delivery) this.lastOfCase.delete(caseId);
    });
  }

  /** Waits for every delivery started and the checkpoint they move. */
  async drain(): Promise<void> {
    await Promise.all([...this.lastOfCase.values()]);
    await this.saving;
  }

  private advance(): void {
    let passed: number | undefined;
    while (this.pending[0]?.done) passed = this.pending.shift()!.position;
    if (passed === undefined) return;
    this.latestPassed = passed;
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    // In order, and a failed save is made good by the next one, which writes a later position.
    this.saving = this.saving
      .then(() => new Promise((resolve) => setTimeout(resolve, this.saveIntervalMs)))
      .then(() => {
        this.saveScheduled = false;
        return this.saveCheckpoint(this.latestPassed);
      })
      .catch(() => undefined);
  }
}
