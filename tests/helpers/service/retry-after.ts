// Reading a rate limiter's answers: Retry-After is read where the rate-limit part judges it.
export { retryAfterSeconds } from '../rate-limit/index.ts';
