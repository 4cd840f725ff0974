// The machine's floor for `kl forward|compare P.csv Q.csv` on two big numeric CSV files
// (no header, one distribution per row, row i of P against row i of Q): parse with
// std::from_chars (exact, and among the fastest float parsers), then D(P||Q) (and D(Q||P)
// with `compare`) per row with compensated sums, and their means. Two threads, each half of
// P's rows and the same rows of Q. Prints the means, %.17g, one per line.
//
// Built by scripts/bench.mjs with the system C++ compiler:
//   c++ -std=c++17 -O3 -march=native csv_kl.cpp -lpthread
// Usage: csv_kl forward|compare P.csv Q.csv
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

struct Text {
  const char *begin, *end;
};

static Text map_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    perror(path);
    std::exit(2);
  }
  struct stat info;
  fstat(fd, &info);
  auto *bytes = static_cast<const char *>(mmap(nullptr, info.st_size, PROT_READ, MAP_PRIVATE, fd, 0));
  return {bytes, bytes + info.st_size};
}

// Neumaier: a running sum and what rounding lost.
struct Sum {
  double sum = 0, comp = 0;
  void add(double x) {
    double t = sum + x;
    comp += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double value() const { return sum + comp; }
};

// One line's numbers into out; returns the start of the next line.
static const char *parse_row(const char *at, const char *end, std::vector<double> &out) {
  out.clear();
  while (at < end && *at != '\n') {
    double value;
    auto result = std::from_chars(at, end, value);
    if (result.ec != std::errc()) {
      std::fprintf(stderr, "not a number near: %.20s\n", at);
      std::exit(2);
    }
    out.push_back(value);
    at = result.ptr;
    if (at < end && *at == ',') at++;
    if (at < end && *at == '\r') at++;
  }
  return at < end ? at + 1 : end;
}

struct Part {
  Text p, q;
  long rows = 0;
  Sum forward, reverse;
};

static bool both;

static void work(Part *part) {
  std::vector<double> p, q;
  const char *a = part->p.begin, *b = part->q.begin;
  while (a < part->p.end) {
    a = parse_row(a, part->p.end, p);
    b = parse_row(b, part->q.end, q);
    if (p.empty()) continue;
    Sum f, r;
    for (size_t i = 0; i < p.size(); i++) {
      double lp = std::log(p[i]), lq = std::log(q[i]);
      if (p[i] > 0) f.add(p[i] * (lp - lq));
      if (both && q[i] > 0) r.add(q[i] * (lq - lp));
    }
    part->forward.add(f.value());
    if (both) part->reverse.add(r.value());
    part->rows++;
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: csv_kl forward|compare P.csv Q.csv\n");
    return 2;
  }
  both = std::strcmp(argv[1], "compare") == 0;
  Text p = map_file(argv[2]), q = map_file(argv[3]);
  // P's middle line start; Q's line with the same index.
  const char *middle = static_cast<const char *>(std::memchr(p.begin + (p.end - p.begin) / 2, '\n', p.end - (p.begin + (p.end - p.begin) / 2)));
  middle = middle ? middle + 1 : p.end;
  long before = 0;
  for (const char *at = p.begin; (at = static_cast<const char *>(std::memchr(at, '\n', middle - at))); at++) before++;
  const char *q_middle = q.begin;
  for (long k = 0; k < before; k++) q_middle = static_cast<const char *>(std::memchr(q_middle, '\n', q.end - q_middle)) + 1;
  Part halves[2] = {{{p.begin, middle}, {q.begin, q_middle}}, {{middle, p.end}, {q_middle, q.end}}};
  std::thread second(work, &halves[1]);
  work(&halves[0]);
  second.join();
  Sum forward, reverse;
  long rows = halves[0].rows + halves[1].rows;
  for (auto &half : halves) {
    forward.add(half.forward.value());
    reverse.add(half.reverse.value());
  }
  std::printf("%.17g\n", forward.value() / rows);
  if (both) std::printf("%.17g\n", reverse.value() / rows);
  return 0;
}
