morgueSearch.load("d-14",{"zd":"SfVZuB,j1y!!"});
