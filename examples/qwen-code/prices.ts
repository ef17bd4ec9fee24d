/**
 * Qwen Code's default model is not in evalbox's price table, and Qwen Code reports tokens but
 * no cost. These prices (USD per million tokens) are an example: put your provider's. The
 * gateway prices the calls it forwards or replays with them (vitest.config.ts), the agent its
 * transcript (evals/qwen-code.eval.ts).
 */
export const QWEN_PRICES = { 'qwen3.5-plus': { input: 0.4, output: 2.4 } }
