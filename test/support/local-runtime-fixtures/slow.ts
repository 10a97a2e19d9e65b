// Fixture: runs past its one-second timeout.
export async function handler() {
  await new Promise((resolve) => setTimeout(resolve, 5000));
  return 'too late';
}
