#include "vrrpd/core/keepalived_conf/block_tree.h"

#include <fmt/format.h>

namespace vrrpd::keepalived_conf {

std::string Node::args_from(std::size_t first) const {
  std::string out;
  for (std::size_t i = first + 1; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += words[i].text;
  }
  return out;
}

namespace {

bool is_brace(const KaWord& w, char brace) {
  return !w.quoted && w.text.size() == 1 && w.text[0] == brace;
}

class TreeBuilder {
 public:
  TreeBuilder(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics)
      : doc_(doc), diagnostics_(diagnostics), open_{&root_} {}

  void line(const KaLine& l);
  std::vector<Node> finish();

 private:
  void emit(std::vector<KaWord>& words, int line) {
    if (words.empty()) return;
    open_.back()->push_back({std::move(words), line, false, {}});
    words.clear();
  }
  void open_block(std::vector<KaWord>& words, int line);
  void close_block(int line);

  const common::config::IniDocument& doc_;
  common::config::Diagnostics& diagnostics_;
  std::vector<Node> root_;
  std::vector<std::vector<Node>*> open_;
  std::vector<const Node*> blocks_;  // the open blocks' keywords, for messages
};

void TreeBuilder::open_block(std::vector<KaWord>& words, int line) {
  auto& level = *open_.back();
  if (words.empty()) {  // `{` alone: the block of the previous keyword
    if (level.empty() || level.back().block) {
      diagnostics_.error(doc_.at(line), "'{' without a keyword before it");
      level.push_back({{KaWord{"{", false}}, line, false, {}});
    }
  } else {
    emit(words, line);
  }
  level.back().block = true;
  blocks_.push_back(&level.back());
  open_.push_back(&level.back().items);
}

void TreeBuilder::close_block(int line) {
  if (open_.size() == 1) {
    diagnostics_.error(doc_.at(line), "'}' closes no block");
    return;
  }
  open_.pop_back();
  blocks_.pop_back();
}

void TreeBuilder::line(const KaLine& l) {
  std::vector<KaWord> words;
  for (const auto& w : l.words) {
    if (is_brace(w, '{')) {
      open_block(words, l.line);
    } else if (is_brace(w, '}')) {
      emit(words, l.line);
      close_block(l.line);
    } else {
      words.push_back(w);
    }
  }
  emit(words, l.line);
}

std::vector<Node> TreeBuilder::finish() {
  for (auto b = blocks_.rbegin(); b != blocks_.rend(); ++b) {
    diagnostics_.error(doc_.at((*b)->line), fmt::format("block '{}' is not closed: '}}' missing", (*b)->keyword()));
  }
  return std::move(root_);
}

}  // namespace

std::vector<Node> build_tree(const std::vector<KaLine>& lines, const common::config::IniDocument& doc,
                             common::config::Diagnostics& diagnostics) {
  TreeBuilder builder(doc, diagnostics);
  for (const auto& l : lines) builder.line(l);
  return builder.finish();
}

}  // namespace vrrpd::keepalived_conf
