morgueSearch.load("d-1",[["articles/2020/empty.html","Empty","2020-03-01",null,[],[],""]]);
