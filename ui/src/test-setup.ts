import { clearMocks } from './lib/ipc/testing';

afterEach(() => {
  clearMocks();
});
